-- Publish into a standard table (--table-type standard: accounts without hybrid tables), with the
-- same build, grant and atomic swap as the hybrid variant.
CREATE OR REPLACE TABLE <% next_table %> (
  USER_ID <% user_id_type %>,
  RECOMMENDATIONS VARIANT
) AS
  SELECT USER_ID, RECOMMENDATIONS FROM <% recommendations_table %>;

GRANT SELECT ON TABLE <% next_table %> TO ROLE <% api_role %>;

-- The first publish has nothing to swap with: an empty table takes the name, then is swapped out.
CREATE TABLE IF NOT EXISTS <% table %> (
  USER_ID <% user_id_type %>,
  RECOMMENDATIONS VARIANT
);

ALTER TABLE <% table %> SWAP WITH <% next_table %>;

DROP TABLE IF EXISTS <% next_table %>;

GRANT SELECT ON TABLE <% table %> TO ROLE <% api_role %>;
