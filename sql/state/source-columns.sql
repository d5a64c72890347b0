-- data.source: tables: a source table's columns and types, checked before setup creates anything.
DESCRIBE TABLE <% table %>;
