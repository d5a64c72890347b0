-- The last lines of a container's log; binds: service name, instance id, container name, lines.
SELECT SYSTEM$GET_SERVICE_LOGS(?, ?, ?, ?) AS LOGS;
