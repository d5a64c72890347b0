-- The published view (a publish through versioned tables), its versions, and what an interrupted
-- publish may have left beside it.
DROP VIEW IF EXISTS <% table %>;

DROP TABLE IF EXISTS <% first_version %>;

DROP TABLE IF EXISTS <% second_version %>;

DROP TABLE IF EXISTS <% next_table %>;
