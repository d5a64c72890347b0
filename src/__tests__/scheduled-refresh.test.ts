// Fresh recommendations (#15.4), end to end on papi local through the CLI and the real driver:
// `papi setup --schedule '60 minutes'` makes a started refresh task, `papi deploy` serves the table;
// new ratings arrive through the driver; EXECUTE TASK runs the refresh; the published table then
// reflects them while the service, called all along, answers every request with 200; papi status shows
// the last and next run; a setup without --schedule drops the task and teardown finds it gone.
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../deploy/deployment.js';
import { readPassword, runningInstance } from '../local/index.js';
import { connect, type Connection } from '../snowflake/driver.js';
import { runCli, tempDir, type CliRun } from './support/cli.js';

const project = tempDir('papi-refresh-');
const env = { XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1' };
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env });
const dataDir = join(project, '.papi', 'local');
let admin: Connection;

function must(run: CliRun): CliRun {
  if (run.code !== 0) throw new Error(`papi exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return run;
}

interface Recommendation {
  movie_id: number;
}

const TABLE = 'API.DATA.HYBRID_MOVIE_RECOMMENDATIONS';

async function publishedFor(user: number): Promise<number[]> {
  const [row] = await admin.execute<{ RECOMMENDATIONS: Recommendation[] }>(`SELECT RECOMMENDATIONS FROM ${TABLE} WHERE USER_ID = ?`, [user]);
  return row!.RECOMMENDATIONS.map((r) => r.movie_id);
}

beforeAll(async () => {
  // No cache in the service: its answers show the published table as it is.
  writeFileSync(join(project, 'papi.yaml'), 'version: 1\nservice:\n  cache:\n    ttlSeconds: 0\n');
  must(await papi('setup', '--schedule', '60 minutes'));
  must(await papi('deploy'));
  const local = await runningInstance(dataDir);
  admin = await connect({ account: local!.account, accessUrl: local!.accessUrl, user: local!.user, password: await readPassword(dataDir), role: 'ACCOUNTADMIN' });
}, 300_000);

afterAll(async () => {
  await admin?.close();
  await papi('local', 'stop');
  await rm(project, { recursive: true, force: true });
}, 60_000);

describe('papi setup --schedule on papi local', () => {
  it('made a started refresh task that papi status shows, with its next run and none run yet', async () => {
    const status = JSON.parse(must(await papi('status', '--json')).stdout) as { refresh: { name: string; state: string; schedule: string; nextRun?: string; lastRun?: unknown } };
    expect(status.refresh).toMatchObject({ name: 'REFRESH_RECOMMENDATIONS', state: 'started', schedule: '60 MINUTE' });
    expect(Date.parse(status.refresh.nextRun!)).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(status.refresh.lastRun).toBeUndefined();
    const human = must(await papi('status')).stdout;
    expect(human).toContain('Scheduled refresh REFRESH_RECOMMENDATIONS: started, every 60 minutes on warehouse DATA_API_WH');
    expect(human).toContain('last run: none yet');
  });

  it('a refresh republishes changed ratings while the service answers every request with 200', async () => {
    const before = await publishedFor(22);
    expect(before).toHaveLength(10);
    // User 22 rates every title recommended to them: none of them may be recommended after the refresh.
    await admin.execute(
      `INSERT INTO MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.USER_RATINGS (USER_ID, ITEM_ID, RATING) SELECT 22, VALUE, 5 FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?)))`,
      [JSON.stringify(before)],
    );

    const deployment = (await readDeployment(join(project, '.papi', 'deployment.json')))!;
    const token = must(await papi('token')).stdout.trim();
    const statuses = new Map<number, number>();
    let calling = true;
    const loop = (async () => {
      while (calling) {
        const response = await fetch(`${deployment.url}/customer/22`, { headers: { authorization: `Snowflake Token="${token}"` } });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    })();

    await admin.execute('EXECUTE TASK MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.REFRESH_RECOMMENDATIONS');
    let run: { STATE: string; ERROR_MESSAGE: string | null } | undefined;
    while (!run) {
      const rows = await admin.execute<{ STATE: string; ERROR_MESSAGE: string | null }>(
        "SELECT STATE, ERROR_MESSAGE FROM TABLE(MOVIE_RECOMMENDER_DB.INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'REFRESH_RECOMMENDATIONS')) WHERE STATE IN ('SUCCEEDED', 'FAILED')",
      );
      run = rows[0];
      if (!run) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    calling = false;
    await loop;

    expect(run).toEqual({ STATE: 'SUCCEEDED', ERROR_MESSAGE: null });
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBeGreaterThan(0);
    const after = await publishedFor(22);
    expect(after).toHaveLength(10);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    // … and the service serves the new row.
    const served = await fetch(`${deployment.url}/customer/22`, { headers: { authorization: `Snowflake Token="${token}"` } });
    const body = (await served.json()) as Array<{ RECOMMENDATIONS: Recommendation[] }>;
    expect(body[0]!.RECOMMENDATIONS.map((r) => r.movie_id)).toEqual(after);
    // Every user is still published, and the API role still reads the swapped-in table.
    const [count] = await admin.execute<{ N: number }>(`SELECT COUNT(*) AS N FROM ${TABLE}`);
    expect(count!.N).toBe(943);

    const status = JSON.parse(must(await papi('status', '--json')).stdout) as { refresh: { lastRun?: { state: string }; nextRun?: string } };
    expect(status.refresh.lastRun?.state).toBe('SUCCEEDED');
    expect(status.refresh.nextRun).toBeDefined();
  }, 180_000);

  it('a setup without --schedule drops the task; teardown drops it too', async () => {
    const rerun = JSON.parse(must(await papi('setup', '--json')).stdout) as { steps: Array<{ id: string; outcome: string; detail?: string }> };
    expect(rerun.steps.at(-1)).toMatchObject({ id: 'schedule-off', outcome: 'applied' });
    expect(await admin.execute("SHOW TASKS LIKE 'REFRESH%' IN ACCOUNT")).toEqual([]);
    must(await papi('setup', '--schedule', '2 hours'));
    expect((await admin.execute<{ schedule: string }>("SHOW TASKS LIKE 'REFRESH%' IN ACCOUNT")).map((t) => t.schedule)).toEqual(['120 MINUTE']);
    const down = JSON.parse(must(await papi('teardown', '--yes', '--json')).stdout) as { steps: Array<{ id: string; outcome: string }> };
    expect(down.steps[0]).toEqual(expect.objectContaining({ id: 'task', outcome: 'dropped' }));
  }, 180_000);
});
