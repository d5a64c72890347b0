CREATE COMPUTE POOL IF NOT EXISTS <% compute_pool %>
  MIN_NODES = <% min_nodes %>
  MAX_NODES = <% max_nodes %>
  INSTANCE_FAMILY = <% instance_family %>
  AUTO_RESUME = TRUE
  AUTO_SUSPEND_SECS = 3600
  COMMENT = 'papi: runs the API service';

GRANT USAGE, MONITOR ON COMPUTE POOL <% compute_pool %> TO ROLE <% api_role %>;
