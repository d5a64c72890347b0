-- Back to a table (--table-type standard after a publish through a view): the view makes room.
DROP VIEW IF EXISTS <% table %>;
