-- papi pushes the service image here (as the setup role, the owner); the API role only pulls it.
CREATE IMAGE REPOSITORY IF NOT EXISTS <% image_repository %>;

GRANT READ ON IMAGE REPOSITORY <% image_repository %> TO ROLE <% api_role %>;
