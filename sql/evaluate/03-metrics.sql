-- Ranking metrics of <top_table> (USER_ID, ITEM_ID, ITEM_RANK) against the held-out ratings in
-- <test_table>, every held-out rating relevant whatever its value, averaged over the users with at
-- least one held-out rating (a user without recommendations counts with 0):
--  * NDCG@k: gain 1 per relevant title at rank r, discounted by log2(r + 1), over the ideal DCG of
--    min(relevant, k) relevant titles at the top;
--  * Recall@k = hits / relevant; Precision@k = hits / k;
--  * MAP@k: the mean over users of Σ (precision at the rank of each hit) / min(relevant, k);
--  * coverage@k: distinct titles recommended to these users / titles in <titles_table>.
WITH relevant AS (
  SELECT USER_ID, COUNT(*) AS RELEVANT
  FROM <% test_table %>
  GROUP BY USER_ID
),
ideal AS (
  SELECT USER_ID, SUM(LN(2) / LN(POSITION + 1)) AS IDCG
  FROM (
    SELECT USER_ID, ROW_NUMBER() OVER (PARTITION BY USER_ID ORDER BY ITEM_ID) AS POSITION
    FROM <% test_table %>
  )
  WHERE POSITION <= <% k %>
  GROUP BY USER_ID
),
recommended AS (
  SELECT t.USER_ID, t.ITEM_ID, t.ITEM_RANK
  FROM <% top_table %> t
  JOIN relevant r ON r.USER_ID = t.USER_ID
  WHERE t.ITEM_RANK <= <% k %>
),
hits AS (
  SELECT t.USER_ID, t.ITEM_RANK,
    LN(2) / LN(t.ITEM_RANK + 1) AS GAIN,
    ROW_NUMBER() OVER (PARTITION BY t.USER_ID ORDER BY t.ITEM_RANK) AS HITS_SO_FAR
  FROM recommended t
  JOIN <% test_table %> h ON h.USER_ID = t.USER_ID AND h.ITEM_ID = t.ITEM_ID
),
per_user AS (
  SELECT r.USER_ID,
    COALESCE(SUM(h.GAIN), 0) / i.IDCG AS NDCG,
    COUNT(h.ITEM_RANK)::FLOAT / r.RELEVANT AS RECALL,
    COUNT(h.ITEM_RANK)::FLOAT / <% k %> AS PRECISION,
    COALESCE(SUM(h.HITS_SO_FAR::FLOAT / h.ITEM_RANK), 0) / LEAST(r.RELEVANT, <% k %>) AS AVERAGE_PRECISION
  FROM relevant r
  JOIN ideal i ON i.USER_ID = r.USER_ID
  LEFT JOIN hits h ON h.USER_ID = r.USER_ID
  GROUP BY r.USER_ID, r.RELEVANT, i.IDCG
)
SELECT
  COUNT(*) AS USERS,
  AVG(NDCG) AS NDCG,
  AVG(RECALL) AS RECALL,
  AVG(PRECISION) AS PRECISION,
  AVG(AVERAGE_PRECISION) AS MAP,
  (SELECT COUNT(DISTINCT ITEM_ID) FROM recommended)::FLOAT
    / NULLIF((SELECT COUNT(DISTINCT ITEM_ID) FROM <% titles_table %>), 0) AS COVERAGE
FROM per_user;
