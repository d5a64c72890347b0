-- The caller of the API: a service user (no password; papi token sets its RSA public key) whose
-- only role is the API role.
CREATE USER IF NOT EXISTS <% service_user %>
  TYPE = SERVICE
  DEFAULT_ROLE = <% api_role %>
  DEFAULT_WAREHOUSE = <% warehouse %>
  DEFAULT_NAMESPACE = <% api_schema %>
  COMMENT = 'papi: calls the personalization API';

GRANT ROLE <% api_role %> TO USER <% service_user %>;
