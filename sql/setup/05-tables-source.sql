-- data.source: tables: the ratings, titles and users are the account's own tables, read in place
-- through views the data phase creates (sql/data/views.sql); only papi's own tables are made here.
CREATE TABLE IF NOT EXISTS <% recommendations_table %> (
  USER_ID <% user_id_type %>,
  RECOMMENDATIONS VARIANT
);

-- papi's own bookkeeping, as in 05-tables.sql.
CREATE TABLE IF NOT EXISTS <% state_table %> (
  NAME VARCHAR NOT NULL,
  VALUE VARCHAR,
  UPDATED_AT TIMESTAMP_NTZ
);
