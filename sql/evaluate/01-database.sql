-- papi evaluate's own database, so an evaluation never touches the recommender's tables or the
-- published table; dropped when the evaluation ends (04-drop.sql). A leftover of an interrupted run
-- is replaced.
CREATE OR REPLACE DATABASE <% database %>;

CREATE SCHEMA IF NOT EXISTS <% schema %>;
