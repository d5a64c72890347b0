-- Item-based k-nearest neighbours with recency, inside Snowflake, into <top_table>
-- (USER_ID, ITEM_ID, SCORE, ITEM_RANK): the top <top_n> titles of each user in <user_table>.
--  * who rated what (a rating of any value counts as 1; repeated ratings of an item count once);
--  * similarity(i, j) = cosine of the items' columns = users who rated both / √(raters(i) · raters(j));
--  * a user's profile: their ratings, newest first by (TIMESTAMP, ITEM_ID); the rating that is `age`
--    ratings older than the newest weighs 0.5^(age / <half_life>) (0 = no decay: every rating
--    weighs 1), and ratings from the <recent_ratings>th newest on (three half-lives) are left out;
--    a rating without a timestamp weighs 1;
--  * score(u, j) = Σ over the profile of weight(i) · similarity(i, j), for titles j the user has not
--    rated; the top <top_n> by score (rounded to 9 decimals, so equal sums tie), then lower item id.
CREATE OR REPLACE TRANSIENT TABLE <% top_table %> AS
WITH rated AS (
  SELECT USER_ID, ITEM_ID, MAX(TIMESTAMP) AS RATED_AT
  FROM <% ratings_table %>
  WHERE USER_ID IS NOT NULL AND ITEM_ID IS NOT NULL AND RATING IS NOT NULL
  GROUP BY USER_ID, ITEM_ID
),
raters AS (
  SELECT ITEM_ID, COUNT(*) AS RATERS
  FROM rated
  GROUP BY ITEM_ID
),
-- Counted once per pair (the lower id first): the similarity is symmetric.
both_rated AS (
  SELECT a.ITEM_ID, b.ITEM_ID AS OTHER_ID, COUNT(*) AS BOTH
  FROM rated a
  JOIN rated b ON b.USER_ID = a.USER_ID AND b.ITEM_ID > a.ITEM_ID
  GROUP BY a.ITEM_ID, b.ITEM_ID
),
pairs AS (
  SELECT p.ITEM_ID, p.OTHER_ID, p.BOTH / SQRT(i.RATERS * o.RATERS) AS SIMILARITY
  FROM both_rated p
  JOIN raters i ON i.ITEM_ID = p.ITEM_ID
  JOIN raters o ON o.ITEM_ID = p.OTHER_ID
),
similarities AS (
  SELECT ITEM_ID, OTHER_ID, SIMILARITY FROM pairs
  UNION ALL
  SELECT OTHER_ID, ITEM_ID, SIMILARITY FROM pairs
),
profiles AS (
  SELECT USER_ID, ITEM_ID, RATED_AT,
    ROW_NUMBER() OVER (PARTITION BY USER_ID ORDER BY RATED_AT DESC NULLS LAST, ITEM_ID DESC) - 1 AS AGE
  FROM rated
  WHERE USER_ID IN (SELECT ID FROM <% user_table %>)
),
weighted AS (
  SELECT USER_ID, ITEM_ID,
    CASE WHEN RATED_AT IS NULL THEN 1 ELSE COALESCE(POWER(0.5, AGE / NULLIF(<% half_life %>, 0)), 1) END AS WEIGHT
  FROM profiles
  WHERE RATED_AT IS NULL OR AGE < <% recent_ratings %>
),
scores AS (
  SELECT w.USER_ID, s.OTHER_ID AS ITEM_ID, ROUND(SUM(w.WEIGHT * s.SIMILARITY), 9) AS SCORE
  FROM weighted w
  JOIN similarities s ON s.ITEM_ID = w.ITEM_ID
  GROUP BY w.USER_ID, s.OTHER_ID
)
SELECT s.USER_ID, s.ITEM_ID, s.SCORE,
  ROW_NUMBER() OVER (PARTITION BY s.USER_ID ORDER BY s.SCORE DESC, s.ITEM_ID) AS ITEM_RANK
FROM scores s
LEFT JOIN rated mine ON mine.USER_ID = s.USER_ID AND mine.ITEM_ID = s.ITEM_ID
WHERE mine.ITEM_ID IS NULL
  AND s.ITEM_ID IN (SELECT ITEM_ID FROM <% titles_table %>)
QUALIFY ITEM_RANK <= <% top_n %>;
