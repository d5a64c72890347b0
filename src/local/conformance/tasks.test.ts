// Conformance: tasks through the real snowflake-sdk.
//  - CREATE TASK (https://docs.snowflake.com/en/sql-reference/sql/create-task): created suspended,
//    WAREHOUSE and SCHEDULE ('<num> MINUTE' / HOURS / SECONDS; USING CRON refused by name), a body of one
//    statement or a Snowflake Scripting block (https://docs.snowflake.com/en/developer-guide/snowflake-scripting/blocks).
//  - ALTER TASK … RESUME | SUSPEND (https://docs.snowflake.com/en/sql-reference/sql/alter-task): RESUME
//    needs EXECUTE TASK on the account for the owner role
//    (https://docs.snowflake.com/en/user-guide/tasks-intro#task-security).
//  - EXECUTE TASK (https://docs.snowflake.com/en/sql-reference/sql/execute-task): one run, asynchronously.
//  - SHOW TASKS (https://docs.snowflake.com/en/sql-reference/sql/show-tasks) and
//    INFORMATION_SCHEMA.TASK_HISTORY (https://docs.snowflake.com/en/sql-reference/functions/task_history).
//  - DROP TASK (https://docs.snowflake.com/en/sql-reference/sql/drop-task).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-tasks');
  c = await connectAdmin(target.local);
  await c.execute('CREATE DATABASE T');
  await c.execute('CREATE SCHEMA T.S');
  await c.execute('USE SCHEMA T.S');
  await c.execute('CREATE WAREHOUSE TASK_WH');
  await c.execute('CREATE TABLE T.S.LOG (STEP NUMBER, SEEN NUMBER)');
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

interface Run {
  NAME: string;
  STATE: string;
  ERROR_CODE: number | null;
  ERROR_MESSAGE: string | null;
  QUERY_ID: string | null;
  SCHEDULED_TIME: Date;
  COMPLETED_TIME: Date | null;
  NEXT_SCHEDULED_TIME: Date | null;
}

function history(conn: Connection, task: string): Promise<Run[]> {
  return conn.execute<Run>(`SELECT * FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => '${task}'))`);
}

/** Waits (no timing asserted) until the task has `count` finished runs; they come newest first. */
async function finishedRuns(conn: Connection, task: string, count = 1): Promise<Run[]> {
  for (;;) {
    const runs = (await history(conn, task)).filter((r) => r.STATE === 'SUCCEEDED' || r.STATE === 'FAILED');
    if (runs.length >= count) return runs;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const BLOCK = `BEGIN
  INSERT INTO T.S.LOG SELECT 1, COUNT(*) FROM T.S.LOG;
  INSERT INTO T.S.LOG SELECT 2, COUNT(*) FROM T.S.LOG;
END`;

describe('CREATE TASK and SHOW TASKS', () => {
  it('creates the task suspended, with Snowflake\'s SHOW TASKS columns in order', async () => {
    const answer = await c.execute<{ status: string }>(`CREATE TASK REFRESH WAREHOUSE = TASK_WH SCHEDULE = '60 MINUTE' COMMENT = 'hourly' AS ${BLOCK}`);
    expect(answer[0]!.status).toBe('Task REFRESH successfully created.');
    const rows = await c.execute<Record<string, unknown>>("SHOW TASKS LIKE 'REF%' IN SCHEMA T.S");
    expect(Object.keys(rows[0]!)).toEqual([
      'created_on', 'name', 'id', 'database_name', 'schema_name', 'owner', 'comment', 'warehouse', 'schedule', 'predecessors', 'state', 'definition',
      'condition', 'allow_overlapping_execution', 'error_integration', 'last_committed_on', 'last_suspended_on', 'owner_role_type', 'config', 'budget',
    ]);
    expect(rows[0]).toMatchObject({ name: 'REFRESH', database_name: 'T', schema_name: 'S', owner: 'ACCOUNTADMIN', comment: 'hourly', warehouse: 'TASK_WH', schedule: '60 MINUTE', state: 'suspended', definition: BLOCK });
    // A suspended task has no scheduled run.
    expect(await history(c, 'refresh')).toEqual([]);
  });

  it('refuses what papi local does not run, by name (002040), and a schedule that is no schedule', async () => {
    const cron = await driverFailure(c.execute("CREATE TASK C WAREHOUSE = TASK_WH SCHEDULE = 'USING CRON 0 * * * * UTC' AS SELECT 1"));
    expect([cron.code, cron.message]).toEqual(['002040', expect.stringContaining('USING CRON')]);
    const declare = await driverFailure(c.execute('CREATE TASK D WAREHOUSE = TASK_WH SCHEDULE = \'5 MINUTE\' AS EXECUTE IMMEDIATE $$ DECLARE n INT; BEGIN SELECT 1; END; $$'));
    expect([declare.code, declare.message]).toEqual(['002040', expect.stringContaining('DECLARE')]);
    const loop = await driverFailure(c.execute("CREATE TASK L WAREHOUSE = TASK_WH SCHEDULE = '5 MINUTE' AS BEGIN FOR i IN 1 TO 2 DO SELECT 1; END FOR; END"));
    expect([loop.code, loop.message]).toEqual(['002040', expect.stringContaining('FOR')]);
    const serverless = await driverFailure(c.execute("CREATE TASK S SCHEDULE = '5 MINUTE' AS SELECT 1"));
    expect([serverless.code, serverless.message]).toEqual(['002040', expect.stringContaining('serverless')]);
    const nonsense = await driverFailure(c.execute("CREATE TASK N WAREHOUSE = TASK_WH SCHEDULE = 'hourly' AS SELECT 1"));
    expect(nonsense.message).toContain("'SCHEDULE'");
    expect((await c.execute<{ name: string }>('SHOW TASKS IN SCHEMA T.S')).map((t) => t.name)).toEqual(['REFRESH']);
  });
});

describe('EXECUTE TASK and TASK_HISTORY', () => {
  it('runs the block once, its statements in order, and records the run as SUCCEEDED', async () => {
    const answer = await c.execute<{ status: string }>('EXECUTE TASK REFRESH');
    expect(answer[0]!.status).toContain('REFRESH');
    const [run] = await finishedRuns(c, 'REFRESH');
    expect(run).toMatchObject({ NAME: 'REFRESH', STATE: 'SUCCEEDED', ERROR_CODE: null, ERROR_MESSAGE: null });
    expect(run!.QUERY_ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(run!.COMPLETED_TIME!.getTime()).toBeGreaterThanOrEqual(run!.SCHEDULED_TIME.getTime());
    expect(await c.execute('SELECT STEP, SEEN FROM T.S.LOG ORDER BY STEP')).toEqual([
      { STEP: 1, SEEN: 0 },
      { STEP: 2, SEEN: 1 },
    ]);
  });

  it('records a failing run as FAILED with the error, and runs nothing after the failing statement', async () => {
    await c.execute("CREATE TASK BROKEN WAREHOUSE = TASK_WH SCHEDULE = '60 MINUTE' AS BEGIN INSERT INTO T.S.LOG VALUES (10, 0); SELECT * FROM T.S.NO_SUCH_TABLE; INSERT INTO T.S.LOG VALUES (11, 0); END");
    await c.execute('EXECUTE TASK BROKEN');
    const [run] = await finishedRuns(c, 'BROKEN');
    expect(run).toMatchObject({ STATE: 'FAILED', ERROR_CODE: 2003, ERROR_MESSAGE: expect.stringContaining('NO_SUCH_TABLE') });
    expect(await c.execute('SELECT STEP FROM T.S.LOG WHERE STEP >= 10')).toEqual([{ STEP: 10 }]);
    const errors = await c.execute<Run>('SELECT * FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(ERROR_ONLY => TRUE))');
    expect(errors.map((r) => r.NAME)).toEqual(['BROKEN']);
    const refused = await driverFailure(c.execute("SELECT * FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(SCHEDULED_TIME_RANGE_START => DATEADD('hour', -1, CURRENT_TIMESTAMP())))"));
    expect([refused.code, refused.message]).toEqual(['002040', expect.stringContaining('SCHEDULED_TIME_RANGE_START')]);
  });

  it('runs a task whose body calls a JavaScript stored procedure', async () => {
    // https://docs.snowflake.com/en/sql-reference/sql/create-task: the body may be "a call to a stored procedure".
    await c.execute(`CREATE OR REPLACE PROCEDURE T.S.LOG_STEP(step FLOAT) RETURNS FLOAT LANGUAGE JAVASCRIPT AS $$
      snowflake.execute({sqlText: 'INSERT INTO T.S.LOG SELECT ?, COUNT(*) FROM T.S.LOG', binds: [STEP]});
      return STEP;
    $$`);
    await c.execute("CREATE TASK BY_PROCEDURE WAREHOUSE = TASK_WH SCHEDULE = '60 MINUTE' AS CALL T.S.LOG_STEP(20)");
    await c.execute('EXECUTE TASK BY_PROCEDURE');
    const [run] = await finishedRuns(c, 'BY_PROCEDURE');
    expect(run).toMatchObject({ STATE: 'SUCCEEDED', ERROR_CODE: null });
    expect(await c.execute('SELECT STEP FROM T.S.LOG WHERE STEP = 20')).toEqual([{ STEP: 20 }]);
  });
});

describe('the schedule', () => {
  it('RESUME starts it: a SCHEDULED run one period ahead, then runs on time; SUSPEND stops it', async () => {
    await c.execute("CREATE TASK TICK WAREHOUSE = TASK_WH SCHEDULE = '10 SECONDS' AS INSERT INTO T.S.LOG VALUES (100, 0)");
    const before = Date.now();
    await c.execute('ALTER TASK TICK RESUME');
    expect((await c.execute<{ state: string }>("SHOW TASKS LIKE 'TICK'"))[0]!.state).toBe('started');
    const [scheduled] = await history(c, 'TICK');
    expect(scheduled).toMatchObject({ STATE: 'SCHEDULED', QUERY_ID: null });
    expect(scheduled!.SCHEDULED_TIME.getTime()).toBeGreaterThanOrEqual(before + 10_000 - 1000);
    const [run] = await finishedRuns(c, 'TICK');
    expect(run!.STATE).toBe('SUCCEEDED');
    await c.execute('ALTER TASK TICK SUSPEND');
    const shown = (await c.execute<{ state: string; last_suspended_on: Date | null }>("SHOW TASKS LIKE 'TICK'"))[0]!;
    expect(shown.state).toBe('suspended');
    expect(shown.last_suspended_on).toBeInstanceOf(Date);
    expect((await history(c, 'TICK')).some((r) => r.STATE === 'SCHEDULED')).toBe(false);
  }, 60_000);

  it('runs the body as the owner role, which needs EXECUTE TASK on the account to RESUME', async () => {
    await c.execute('CREATE ROLE TASK_OWNER');
    await c.execute('GRANT USAGE ON DATABASE T TO ROLE TASK_OWNER');
    await c.execute('GRANT USAGE, CREATE TASK ON SCHEMA T.S TO ROLE TASK_OWNER');
    await c.execute('GRANT USAGE ON WAREHOUSE TASK_WH TO ROLE TASK_OWNER');
    await c.execute(`GRANT ROLE TASK_OWNER TO USER ${target.local.user}`);
    await c.execute('USE ROLE TASK_OWNER');
    try {
      await c.execute("CREATE TASK OWNED WAREHOUSE = TASK_WH SCHEDULE = '60 MINUTE' AS INSERT INTO T.S.LOG VALUES (200, 0)");
      const denied = await driverFailure(c.execute('ALTER TASK OWNED RESUME'));
      expect(denied.message).toContain('EXECUTE TASK privilege must be granted to owner role');
      await c.execute('USE ROLE ACCOUNTADMIN');
      await c.execute('GRANT EXECUTE TASK ON ACCOUNT TO ROLE TASK_OWNER');
      await c.execute('USE ROLE TASK_OWNER');
      await c.execute('EXECUTE TASK OWNED');
      // TASK_OWNER may not INSERT into LOG: the run fails as that role would.
      const [run] = await finishedRuns(c, 'OWNED');
      expect(run).toMatchObject({ STATE: 'FAILED', ERROR_MESSAGE: expect.stringMatching(/LOG|privileges/i) });
    } finally {
      await c.execute('USE ROLE ACCOUNTADMIN');
    }
  });

  it('keeps tasks, their state and their history across a restart; DROP TASK removes one', async () => {
    await c.execute('ALTER TASK REFRESH RESUME');
    await c.close();
    await target.restart();
    c = await connectAdmin(target.local, { database: 'T', schema: 'S' });
    const [task] = await c.execute<{ state: string; schedule: string }>("SHOW TASKS LIKE 'REFRESH'");
    expect(task).toMatchObject({ state: 'started', schedule: '60 MINUTE' });
    const runs = await history(c, 'REFRESH');
    expect(runs.map((r) => r.STATE)).toEqual(['SCHEDULED', 'SUCCEEDED']);
    expect((await c.execute<{ status: string }>('DROP TASK REFRESH'))[0]!.status).toBe('REFRESH successfully dropped.');
    expect((await c.execute<{ status: string }>('DROP TASK IF EXISTS REFRESH'))[0]!.status).toContain('REFRESH');
    const missing = await driverFailure(c.execute('DROP TASK REFRESH'));
    expect(missing.code).toBe('002003');
  });
});
