-- The published view (a publish through versioned tables), its versions, and what an interrupted
-- publish may have left beside it.
DROP VIEW IF EXISTS <% table %>;

DROP TABLE IF EXISTS <% version_1 %>;

DROP TABLE IF EXISTS <% version_2 %>;

DROP TABLE IF EXISTS <% next_table %>;
