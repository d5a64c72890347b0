-- User-based k-nearest neighbours (the tutorial notebook's recommender), inside Snowflake, into a
-- table of (USER_ID, ITEM_ID, SCORE, ITEM_RANK):
--  * the user x item rating matrix, a missing rating counting as 0;
--  * cosine similarity between users; the <neighbors> most similar OTHER users, ties to the lower id
--    (users sharing no movie have similarity 0 and still count when fewer than <neighbors> share one).
--    Only the <neighbors> + 1 lowest ids can ever fill such a list (the user itself and the users
--    sharing a movie are the only ones skipped), so the plan never pairs every user with every user;
--  * the score of a movie the user has not rated = the sum of the neighbours' ratings of it;
--  * recommendations for the users in the ID column of the users table (every rating still counts
--    for similarity);
--  * the top <top_n> titled movies by score, then by lower movie id.
CREATE OR REPLACE TRANSIENT TABLE <% top_table %> AS
WITH ratings AS (
  SELECT USER_ID, ITEM_ID, AVG(RATING) AS RATING
  FROM <% ratings_table %>
  WHERE USER_ID IS NOT NULL AND ITEM_ID IS NOT NULL AND RATING IS NOT NULL
  GROUP BY USER_ID, ITEM_ID
),
users AS (
  SELECT USER_ID, SQRT(SUM(RATING * RATING)) AS NORM
  FROM ratings
  GROUP BY USER_ID
),
dot_products AS (
  SELECT a.USER_ID AS USER_ID, b.USER_ID AS OTHER_ID, SUM(a.RATING * b.RATING) AS DOT
  FROM ratings a
  JOIN ratings b ON b.ITEM_ID = a.ITEM_ID AND b.USER_ID <> a.USER_ID
  GROUP BY a.USER_ID, b.USER_ID
),
lowest_ids AS (
  SELECT USER_ID
  FROM users
  QUALIFY ROW_NUMBER() OVER (ORDER BY USER_ID) <= <% neighbors_plus_one %>
),
candidates AS (
  SELECT d.USER_ID, d.OTHER_ID, COALESCE(d.DOT / NULLIF(u.NORM * o.NORM, 0), 0) AS SIMILARITY
  FROM dot_products d
  JOIN users u ON u.USER_ID = d.USER_ID
  JOIN users o ON o.USER_ID = d.OTHER_ID
  UNION ALL
  SELECT u.USER_ID, l.USER_ID AS OTHER_ID, 0 AS SIMILARITY
  FROM users u
  JOIN lowest_ids l ON l.USER_ID <> u.USER_ID
),
best_candidates AS (
  SELECT USER_ID, OTHER_ID, MAX(SIMILARITY) AS SIMILARITY
  FROM candidates
  GROUP BY USER_ID, OTHER_ID
),
neighbors AS (
  SELECT USER_ID, OTHER_ID
  FROM best_candidates
  WHERE USER_ID IN (SELECT ID FROM <% user_table %>)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY USER_ID ORDER BY SIMILARITY DESC, OTHER_ID) <= <% neighbors %>
),
scores AS (
  SELECT n.USER_ID, r.ITEM_ID, SUM(r.RATING) AS SCORE
  FROM neighbors n
  JOIN ratings r ON r.USER_ID = n.OTHER_ID
  LEFT JOIN ratings mine ON mine.USER_ID = n.USER_ID AND mine.ITEM_ID = r.ITEM_ID
  WHERE mine.ITEM_ID IS NULL
  GROUP BY n.USER_ID, r.ITEM_ID
),
top_scores AS (
  SELECT s.USER_ID, s.ITEM_ID, s.SCORE,
    ROW_NUMBER() OVER (PARTITION BY s.USER_ID ORDER BY s.SCORE DESC, s.ITEM_ID) AS ITEM_RANK
  FROM scores s
  WHERE s.ITEM_ID IN (SELECT ITEM_ID FROM <% titles_table %>)
  QUALIFY ITEM_RANK <= <% top_n %>
)
SELECT USER_ID, ITEM_ID, SCORE, ITEM_RANK
FROM top_scores;
