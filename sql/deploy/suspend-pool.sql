-- papi suspend --pool: a suspended pool releases its nodes and suspends every service in it
-- (https://docs.snowflake.com/en/sql-reference/sql/alter-compute-pool).
ALTER COMPUTE POOL <% compute_pool %> SUSPEND;
