-- The published table, and the one an interrupted publish may have left beside it (and the versioned
-- tables of an earlier publish through a view).
DROP TABLE IF EXISTS <% table %>;

DROP TABLE IF EXISTS <% next_table %>;

DROP TABLE IF EXISTS <% first_version %>;

DROP TABLE IF EXISTS <% second_version %>;
