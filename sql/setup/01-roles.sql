-- Two roles, least privilege: the admin role works with the recommender data (the tutorial's
-- ML_MODEL_ROLE); the API role owns the service and may only read the published table.
-- Both roll up to SYSADMIN, so administrators keep seeing what papi creates.
CREATE ROLE IF NOT EXISTS <% admin_role %>
  COMMENT = 'papi: works with the recommender data';

CREATE ROLE IF NOT EXISTS <% api_role %>
  COMMENT = 'papi: owns the API service, reads the published recommendations';

GRANT ROLE <% admin_role %> TO ROLE SYSADMIN;

GRANT ROLE <% api_role %> TO ROLE SYSADMIN;
