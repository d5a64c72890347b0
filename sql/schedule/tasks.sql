-- The refresh task, if any (SHOW TASKS: state, schedule, definition).
SHOW TASKS IN SCHEMA <% recommender_schema %>;
