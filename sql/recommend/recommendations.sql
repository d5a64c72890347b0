-- The recommendations papi publishes, in one atomic statement: each user's top titles from
-- <top_table> (the algorithm's output), and for the users in "USER" who have not rated anything
-- the <top_n> titles rated by the most users; one row per user, an array of
-- {movie_id, movie_name, movie_score} best first, movie_score a two-decimal string.
CREATE OR REPLACE TABLE <% recommendations_table %> AS
WITH rated AS (
  SELECT DISTINCT USER_ID, ITEM_ID
  FROM <% ratings_table %>
  WHERE USER_ID IS NOT NULL AND ITEM_ID IS NOT NULL AND RATING IS NOT NULL
),
popular AS (
  SELECT ITEM_ID, COUNT(*) AS SCORE
  FROM rated
  WHERE ITEM_ID IN (SELECT ITEM_ID FROM <% titles_table %>)
  GROUP BY ITEM_ID
  QUALIFY ROW_NUMBER() OVER (ORDER BY SCORE DESC, ITEM_ID) <= <% top_n %>
),
newcomers AS (
  SELECT DISTINCT u.ID AS USER_ID
  FROM <% user_table %> u
  LEFT JOIN rated r ON r.USER_ID = u.ID
  WHERE u.ID IS NOT NULL AND r.USER_ID IS NULL
),
ranked AS (
  SELECT USER_ID, ITEM_ID, SCORE, ITEM_RANK
  FROM <% top_table %>
  UNION ALL
  SELECT n.USER_ID, p.ITEM_ID, p.SCORE,
    ROW_NUMBER() OVER (PARTITION BY n.USER_ID ORDER BY p.SCORE DESC, p.ITEM_ID) AS ITEM_RANK
  FROM newcomers n
  CROSS JOIN popular p
)
SELECT
  r.USER_ID,
  ARRAY_AGG(
    OBJECT_CONSTRUCT(
      'movie_id', r.ITEM_ID,
      'movie_name', t.TITLE,
      'movie_score', TO_VARCHAR(CAST(ROUND(r.SCORE, 2) AS NUMBER(38,2)))
    )
  ) WITHIN GROUP (ORDER BY r.ITEM_RANK)::VARIANT AS RECOMMENDATIONS
FROM ranked r
JOIN <% titles_table %> t ON t.ITEM_ID = r.ITEM_ID
GROUP BY r.USER_ID;

DROP TABLE IF EXISTS <% top_table %>;

GRANT SELECT ON TABLE <% recommendations_table %> TO ROLE <% admin_role %>;
