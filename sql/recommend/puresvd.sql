-- PureSVD, inside Snowflake, into <top_table> (USER_ID, ITEM_ID, SCORE, ITEM_RANK): the top <top_n>
-- titles of each user in <user_table> by r_u · Q · Qᵀ, Q the top <factors> right singular vectors of
-- the ratings matrix, found by <iterations> rounds of randomized subspace iteration (seeded: the same
-- result on every run). A JavaScript procedure does it: its body is sql/recommend/puresvd-math.js
-- and puresvd.js; it reads the tables named by its arguments through IDENTIFIER(?) and writes the top
-- table with bound batches. It runs with the caller's rights: it can do only what the role that
-- calls it can. Snowflake's limits for such handlers (memory, time) bound the data it can take:
-- see the README (Recommender).
CREATE OR REPLACE PROCEDURE <% procedure %>(
  RATINGS_TABLE VARCHAR,
  TITLES_TABLE VARCHAR,
  USERS_TABLE VARCHAR,
  TOP_TABLE VARCHAR,
  TOP_N FLOAT,
  FACTORS FLOAT,
  ITERATIONS FLOAT
)
  RETURNS VARIANT
  LANGUAGE JAVASCRIPT
  EXECUTE AS CALLER
  COMMENT = 'papi: PureSVD recommendations'
  AS <% body %>;

CALL <% procedure %>(<% ratings_name %>, <% titles_name %>, <% user_name %>, <% top_name %>, <% top_n %>, <% factors %>, <% iterations %>);
