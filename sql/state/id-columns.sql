-- The columns of the ratings table: its USER_ID type says which id format the tables were made for.
DESCRIBE TABLE <% ratings_table %>;
