-- The refresh task's latest runs, newest first: the next SCHEDULED one, the last finished one.
SELECT NAME, STATE, SCHEDULED_TIME, COMPLETED_TIME, ERROR_CODE, ERROR_MESSAGE
FROM TABLE(<% recommender_database %>.INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => <% task_name %>, RESULT_LIMIT => 20))
ORDER BY SCHEDULED_TIME DESC;
