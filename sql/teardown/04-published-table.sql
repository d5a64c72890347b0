-- The published table, and the one an interrupted publish may have left beside it.
DROP TABLE IF EXISTS <% table %>;

DROP TABLE IF EXISTS <% next_table %>;
