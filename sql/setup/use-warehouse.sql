-- Run at the start of the data, recommend and publish phases: COPY, CREATE TABLE … AS SELECT and
-- queries on tables need a current warehouse, and the connection may have none (or another one).
-- CREATE WAREHOUSE makes a warehouse current only when it creates it, so a rerun cannot rely on it.
USE WAREHOUSE <% warehouse %>;
