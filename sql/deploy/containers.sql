-- Each container's status, message, restart count and last exit code.
SHOW SERVICE CONTAINERS IN SERVICE <% service %>;
