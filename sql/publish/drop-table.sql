-- Switching the publish to a view (SWAP WITH refused): the published table makes room for the view
-- of the same name. The only moment readers find nothing; later publishes only repoint the view.
DROP TABLE IF EXISTS <% table %>;
