-- Users, from their own file as the tutorial loads "USER" (ma301_user_id.csv, GroupLens's u.user;
-- papi writes one from the ratings when a source has none), the same way as the ratings: a fresh
-- transient table first, so a bad file leaves "USER" as it was. CSV header: ID.
CREATE OR REPLACE TRANSIENT TABLE <% load_table %> (
  ID <% user_id_type %>
);

COPY INTO <% load_table %>
  FROM @<% stage %>/users/
  FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE FIELD_OPTIONALLY_ENCLOSED_BY = '"')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
  ON_ERROR = ABORT_STATEMENT
  FORCE = TRUE;

INSERT OVERWRITE INTO <% user_table %> (ID)
  SELECT ID FROM <% load_table %>;

DROP TABLE IF EXISTS <% load_table %>;
