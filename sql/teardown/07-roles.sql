DROP ROLE IF EXISTS <% api_role %>;

DROP ROLE IF EXISTS <% admin_role %>;
