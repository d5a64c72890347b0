-- The tutorial's tables. "USER" is a reserved word, hence quoted. User ids are NUMBER(38,0), or
-- VARCHAR(64) with service.idFormat: alphanumeric; item ids are numbers in both.
CREATE TABLE IF NOT EXISTS <% user_table %> (
  ID <% user_id_type %>
);

CREATE TABLE IF NOT EXISTS <% ratings_table %> (
  USER_ID <% user_id_type %>,
  ITEM_ID NUMBER(38,0),
  RATING FLOAT,
  TIMESTAMP TIMESTAMP_NTZ
);

CREATE TABLE IF NOT EXISTS <% titles_table %> (
  ITEM_ID NUMBER(38,0),
  TITLE VARCHAR
);

CREATE TABLE IF NOT EXISTS <% recommendations_table %> (
  USER_ID <% user_id_type %>,
  RECOMMENDATIONS VARIANT
);

-- papi's own bookkeeping: fingerprints of the loaded data, the computed recommendations and the
-- published table, so a re-run with the same input skips work and reports it unchanged.
CREATE TABLE IF NOT EXISTS <% state_table %> (
  NAME VARCHAR NOT NULL,
  VALUE VARCHAR,
  UPDATED_AT TIMESTAMP_NTZ
);
