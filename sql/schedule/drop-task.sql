-- No schedule configured: no refresh task (one left by an earlier `papi setup --schedule` goes).
DROP TASK IF EXISTS <% task %>;
