-- repository_url of the image repository papi pushes to (visible with READ or WRITE on it).
SHOW IMAGE REPOSITORIES IN SCHEMA <% api_schema %>;
