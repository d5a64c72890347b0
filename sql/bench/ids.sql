-- The ids papi bench requests when no --ids file is given: every user the API serves.
SELECT ID FROM <% user_table %> ORDER BY ID;
