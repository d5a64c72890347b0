DROP DATABASE IF EXISTS <% database %>;
