-- data.source: tables: who may read a source table (the admin role needs SELECT on it).
SHOW GRANTS ON TABLE <% table %>;
