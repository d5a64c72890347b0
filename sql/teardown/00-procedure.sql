-- The puresvd recommender's procedure (sql/recommend/puresvd.sql; its argument types name it), gone
-- with the recommender database too, but not with --keep-data.
DROP PROCEDURE IF EXISTS <% procedure %>(VARCHAR, VARCHAR, VARCHAR, VARCHAR, FLOAT, FLOAT, FLOAT);
