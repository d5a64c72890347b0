-- The service is created by the API role, so that role owns it (SPCS refuses ACCOUNTADMIN as owner)
-- and its callers need nothing more than that role. An existing service is upgraded instead
-- (sql/deploy/02-alter-service.sql).
USE ROLE <% api_role %>;

CREATE SERVICE IF NOT EXISTS <% service %>
  IN COMPUTE POOL <% compute_pool %>
  FROM SPECIFICATION <% specification %>
  MIN_INSTANCES = <% min_instances %>
  MAX_INSTANCES = <% max_instances %>
  QUERY_WAREHOUSE = <% warehouse %>
  COMMENT = 'papi: the personalization API';
