-- Publish into a hybrid table keyed by user id, atomically: build the new table beside the published
-- one, grant it, then swap names in one statement so readers never see a missing or half-filled table.
CREATE OR REPLACE HYBRID TABLE <% next_table %> (
  USER_ID <% user_id_type %> PRIMARY KEY,
  RECOMMENDATIONS VARIANT
) AS
  SELECT USER_ID, RECOMMENDATIONS FROM <% recommendations_table %>;

GRANT SELECT ON TABLE <% next_table %> TO ROLE <% api_role %>;

-- The first publish has nothing to swap with: an empty table takes the name, then is swapped out.
CREATE HYBRID TABLE IF NOT EXISTS <% table %> (
  USER_ID <% user_id_type %> PRIMARY KEY,
  RECOMMENDATIONS VARIANT
);

ALTER TABLE <% table %> SWAP WITH <% next_table %>;

DROP TABLE IF EXISTS <% next_table %>;

GRANT SELECT ON TABLE <% table %> TO ROLE <% api_role %>;
