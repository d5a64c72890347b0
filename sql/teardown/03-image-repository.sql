DROP IMAGE REPOSITORY IF EXISTS <% image_repository %>;
