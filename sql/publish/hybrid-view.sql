-- The hybrid publish when the account refuses ALTER TABLE … SWAP WITH between hybrid tables (it is
-- nowhere documented as supported): the published name is a view over one of two versioned hybrid
-- tables. The version not being read is rebuilt, then the view is repointed in one CREATE OR REPLACE
-- (atomic; COPY GRANTS keeps the API role's SELECT on it throughout). A view runs with its owner's
-- rights, so the API role needs SELECT on the view only.
CREATE OR REPLACE HYBRID TABLE <% version_table %> (
  USER_ID <% user_id_type %> PRIMARY KEY,
  RECOMMENDATIONS VARIANT
) AS
  SELECT USER_ID, RECOMMENDATIONS FROM <% recommendations_table %>;

CREATE OR REPLACE VIEW <% table %> COPY GRANTS AS
  SELECT USER_ID, RECOMMENDATIONS FROM <% version_table %>;

GRANT SELECT ON VIEW <% table %> TO ROLE <% api_role %>;

-- What the refused swap left behind.
DROP TABLE IF EXISTS <% next_table %>;
