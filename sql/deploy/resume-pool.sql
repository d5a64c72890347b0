-- papi resume --pool: the pool first, so the service has nodes to start on.
ALTER COMPUTE POOL <% compute_pool %> RESUME;
