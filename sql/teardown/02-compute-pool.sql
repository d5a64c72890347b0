DROP COMPUTE POOL IF EXISTS <% compute_pool %>;
