-- Ratings: COPY the uploaded files into a fresh transient table first, so a bad file (the COPY aborts
-- on the first error) leaves USER_RATINGS as it was; then replace its rows in one atomic statement.
-- CSV header: USER_ID, ITEM_ID, RATING, TIMESTAMP.
CREATE OR REPLACE TRANSIENT TABLE <% load_table %> (
  USER_ID <% user_id_type %>,
  ITEM_ID NUMBER(38,0),
  RATING FLOAT,
  TIMESTAMP TIMESTAMP_NTZ
);

COPY INTO <% load_table %>
  FROM @<% stage %>/ratings/
  FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE FIELD_OPTIONALLY_ENCLOSED_BY = '"')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
  ON_ERROR = ABORT_STATEMENT
  FORCE = TRUE;

INSERT OVERWRITE INTO <% ratings_table %> (USER_ID, ITEM_ID, RATING, TIMESTAMP)
  SELECT USER_ID, ITEM_ID, RATING, TIMESTAMP FROM <% load_table %>;

DROP TABLE IF EXISTS <% load_table %>;
