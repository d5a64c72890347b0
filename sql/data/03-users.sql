-- Users are everyone who rated something.
INSERT OVERWRITE INTO <% user_table %> (ID)
  SELECT DISTINCT USER_ID FROM <% ratings_table %>;
