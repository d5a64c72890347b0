-- Settings a re-deploy must not drop: ALTER SERVICE … FROM SPECIFICATION changes only the spec, so
-- instance counts and the query warehouse are set first (as the Snowflake CLI's deploy does).
ALTER SERVICE <% service %> SET
  MIN_INSTANCES = <% min_instances %>
  MAX_INSTANCES = <% max_instances %>
  QUERY_WAREHOUSE = <% warehouse %>;

-- A new specification (a new image tag per deploy): SPCS replaces the containers in a rolling
-- upgrade, asynchronously — SHOW SERVICES says is_upgrading until every instance runs the new spec.
ALTER SERVICE <% service %> FROM SPECIFICATION <% specification %>;
