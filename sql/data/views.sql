-- data.source: tables: views named like the tables papi loads otherwise, over the account's own
-- tables, their columns renamed to papi's and cast to its types; nothing is copied, so every
-- recompute (and the scheduled refresh) reads the tables as they are then. TO_TIMESTAMP_NTZ takes a
-- timestamp as it is and a number as seconds since the epoch.
CREATE OR REPLACE VIEW <% ratings_table %> AS
  SELECT
    <% ratings_user %>::<% user_id_type %> AS USER_ID,
    <% ratings_item %>::NUMBER(38,0) AS ITEM_ID,
    <% ratings_rating %>::FLOAT AS RATING,
    TO_TIMESTAMP_NTZ(<% ratings_timestamp %>) AS TIMESTAMP
  FROM <% ratings_source %>;

CREATE OR REPLACE VIEW <% titles_table %> AS
  SELECT <% titles_item %>::NUMBER(38,0) AS ITEM_ID, <% titles_title %>::VARCHAR AS TITLE
  FROM <% titles_source %>;

CREATE OR REPLACE VIEW <% user_table %> AS
  SELECT <% users_user %>::<% user_id_type %> AS ID
  FROM <% users_source %>;

GRANT SELECT ON VIEW <% ratings_table %> TO ROLE <% admin_role %>;

GRANT SELECT ON VIEW <% titles_table %> TO ROLE <% admin_role %>;

GRANT SELECT ON VIEW <% user_table %> TO ROLE <% admin_role %>;
