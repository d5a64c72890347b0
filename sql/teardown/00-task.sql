-- The refresh task first, so no scheduled run starts while its objects go.
DROP TASK IF EXISTS <% task %>;
