-- Popularity, inside Snowflake, into <top_table> (USER_ID, ITEM_ID, SCORE, ITEM_RANK): for each
-- user in <user_table>, the <top_n> titles rated by the most users (repeated ratings count
-- once) that the user has not rated; equal counts go to the lower item id.
CREATE OR REPLACE TRANSIENT TABLE <% top_table %> AS
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
),
users AS (
  SELECT DISTINCT ID AS USER_ID
  FROM <% user_table %>
  WHERE ID IS NOT NULL
)
SELECT u.USER_ID, p.ITEM_ID, p.SCORE,
  ROW_NUMBER() OVER (PARTITION BY u.USER_ID ORDER BY p.SCORE DESC, p.ITEM_ID) AS ITEM_RANK
FROM users u
CROSS JOIN popular p
LEFT JOIN rated mine ON mine.USER_ID = u.USER_ID AND mine.ITEM_ID = p.ITEM_ID
WHERE mine.ITEM_ID IS NULL
QUALIFY ITEM_RANK <= <% top_n %>;
