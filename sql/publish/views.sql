-- Whether the published name is a view (a publish through versioned tables) and which it reads (text).
SHOW VIEWS IN SCHEMA <% api_schema %>;
