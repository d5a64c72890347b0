-- Fingerprints recorded by earlier runs (see sql/setup/05-tables.sql).
SELECT NAME, VALUE FROM <% state_table %>;
