-- papi suspend: SPCS shuts down and deletes the service's containers; the service, its spec and its
-- endpoint URL stay (https://docs.snowflake.com/en/sql-reference/sql/alter-service).
ALTER SERVICE <% service %> SUSPEND;
