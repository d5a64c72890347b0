-- Suspends after a minute idle and resumes on the next query: the API's point lookups on a hybrid
-- table need the warehouse only for a few statements.
CREATE WAREHOUSE IF NOT EXISTS <% warehouse %>
  WAREHOUSE_SIZE = <% warehouse_size %>
  AUTO_SUSPEND = 60
  AUTO_RESUME = TRUE
  INITIALLY_SUSPENDED = TRUE
  COMMENT = 'papi: recommendations and API lookups';

-- Current for the rest of this session even when it already existed (CREATE only sets it when it creates).
USE WAREHOUSE <% warehouse %>;
