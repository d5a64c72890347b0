-- The admin role: use the warehouse, read and change the recommender data, use the stage; CREATE
-- PROCEDURE for the puresvd recommender, a JavaScript procedure in the recommender schema.
GRANT USAGE, OPERATE ON WAREHOUSE <% warehouse %> TO ROLE <% admin_role %>;

GRANT USAGE ON DATABASE <% recommender_database %> TO ROLE <% admin_role %>;

GRANT USAGE, CREATE TABLE, CREATE PROCEDURE ON SCHEMA <% recommender_schema %> TO ROLE <% admin_role %>;

GRANT READ, WRITE ON STAGE <% stage %> TO ROLE <% admin_role %>;

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE <% user_table %> TO ROLE <% admin_role %>;

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE <% ratings_table %> TO ROLE <% admin_role %>;

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE <% titles_table %> TO ROLE <% admin_role %>;

GRANT SELECT ON TABLE <% recommendations_table %> TO ROLE <% admin_role %>;

-- The API role: USAGE on the warehouse, database and schema (SELECT on the published table comes
-- with each publish), not ALL as in the tutorial; plus what owning the service requires.
GRANT USAGE ON WAREHOUSE <% warehouse %> TO ROLE <% api_role %>;

GRANT USAGE ON DATABASE <% api_database %> TO ROLE <% api_role %>;

GRANT USAGE ON SCHEMA <% api_schema %> TO ROLE <% api_role %>;

GRANT CREATE SERVICE ON SCHEMA <% api_schema %> TO ROLE <% api_role %>;

GRANT BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE <% api_role %>;
