-- The service's status (PENDING, RUNNING, FAILED, SUSPENDED, …).
SHOW SERVICES IN SCHEMA <% api_schema %>;
