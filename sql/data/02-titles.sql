-- Titles, loaded the same way as the ratings. CSV header: ITEM_ID, TITLE.
CREATE OR REPLACE TRANSIENT TABLE <% load_table %> (
  ITEM_ID NUMBER(38,0),
  TITLE VARCHAR
);

COPY INTO <% load_table %>
  FROM @<% stage %>/titles/
  FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE FIELD_OPTIONALLY_ENCLOSED_BY = '"')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
  ON_ERROR = ABORT_STATEMENT
  FORCE = TRUE;

INSERT OVERWRITE INTO <% titles_table %> (ITEM_ID, TITLE)
  SELECT ITEM_ID, TITLE FROM <% load_table %>;

DROP TABLE IF EXISTS <% load_table %>;
