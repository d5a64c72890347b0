-- The hold-out split: for every user with at least 5 ratings, the last max(1, round(0.2 · n)) of
-- their n ratings, ordered by (TIMESTAMP, ITEM_ID), go to <test_table>, the rest to <train_table>;
-- a user with fewer ratings stays wholly in train. A rating without a timestamp counts as the oldest.
-- Repeated ratings of an item by a user count once (their average, at the latest time).
-- <test_users> holds the users with at least one test rating, in an ID column as "USER" does.
CREATE OR REPLACE TRANSIENT TABLE <% ranked_table %> AS
WITH ratings AS (
  SELECT USER_ID, ITEM_ID, AVG(RATING) AS RATING, MAX(TIMESTAMP) AS TIMESTAMP
  FROM <% ratings_table %>
  WHERE USER_ID IS NOT NULL AND ITEM_ID IS NOT NULL AND RATING IS NOT NULL
  GROUP BY USER_ID, ITEM_ID
),
positioned AS (
  SELECT USER_ID, ITEM_ID, RATING, TIMESTAMP,
    ROW_NUMBER() OVER (PARTITION BY USER_ID ORDER BY TIMESTAMP ASC NULLS FIRST, ITEM_ID) AS POSITION,
    COUNT(*) OVER (PARTITION BY USER_ID) AS RATINGS
  FROM ratings
)
SELECT USER_ID, ITEM_ID, RATING, TIMESTAMP,
  POSITION > RATINGS - CASE WHEN RATINGS >= 5 THEN GREATEST(1, ROUND(0.2 * RATINGS)) ELSE 0 END AS HELD_OUT
FROM positioned;

CREATE OR REPLACE TRANSIENT TABLE <% train_table %> AS
SELECT USER_ID, ITEM_ID, RATING, TIMESTAMP FROM <% ranked_table %> WHERE NOT HELD_OUT;

CREATE OR REPLACE TRANSIENT TABLE <% test_table %> AS
SELECT USER_ID, ITEM_ID, RATING, TIMESTAMP FROM <% ranked_table %> WHERE HELD_OUT;

CREATE OR REPLACE TRANSIENT TABLE <% test_users %> AS
SELECT DISTINCT USER_ID AS ID FROM <% test_table %>;

DROP TABLE IF EXISTS <% ranked_table %>;
