-- The scheduled refresh: a task that recomputes the recommendations and republishes them atomically,
-- every <minutes> minutes. Its body is the recommend and publish phases' own statements (papi builds it
-- from the plan), run in order in one Snowflake Scripting block, as the role that runs setup (it owns
-- every object the body replaces) in papi's warehouse. Tasks are created suspended: RESUME starts it
-- (the owner role needs EXECUTE TASK on the account).
CREATE OR REPLACE TASK <% task %>
  WAREHOUSE = <% warehouse %>
  SCHEDULE = <% schedule %>
  COMMENT = 'papi: recomputes and republishes the recommendations'
  AS
EXECUTE IMMEDIATE <% body %>;

ALTER TASK <% task %> RESUME;
