-- A new specification (a new image tag per deploy): SPCS restarts the containers on it.
ALTER SERVICE <% service %> FROM SPECIFICATION <% specification %>;
