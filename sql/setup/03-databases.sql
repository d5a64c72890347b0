-- The recommender database holds raw data and computed recommendations; the API database holds the
-- published table, the image repository and the service.
CREATE DATABASE IF NOT EXISTS <% recommender_database %>;

CREATE SCHEMA IF NOT EXISTS <% recommender_schema %>;

CREATE DATABASE IF NOT EXISTS <% api_database %>;

CREATE SCHEMA IF NOT EXISTS <% api_schema %>;
