-- The compute pools' state (IDLE, ACTIVE, SUSPENDED, …); papi reads its own pool's row.
SHOW COMPUTE POOLS;
