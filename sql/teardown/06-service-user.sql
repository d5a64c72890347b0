DROP USER IF EXISTS <% service_user %>;
