-- Whether the published table is there and how many users it serves (a teardown --keep-data drops it
-- while the recorded fingerprints stay).
SELECT COUNT(*) AS ROW_COUNT FROM <% table %>;
