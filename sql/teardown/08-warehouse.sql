DROP WAREHOUSE IF EXISTS <% warehouse %>;
