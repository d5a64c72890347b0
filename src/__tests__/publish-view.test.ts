// An account that refuses ALTER TABLE … SWAP WITH between hybrid tables (papi local --no-hybrid-swap):
// papi setup publishes through a stable view over versioned hybrid tables and says so (human and
// --json), a republish repoints the view to the other version, the deployed service answers through
// the view, and teardown drops the view and its tables. Its papi local also makes new service
// instances wait for a node (--scheduling-delay): papi status shows that PENDING state, never "null".
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPassword, runningInstance } from '../local/index.js';
import { connect, type Connection } from '../snowflake/driver.js';
import { runCli, tempDir, type CliRun } from './support/cli.js';

const project = tempDir('papi-publish-view-');
const env = { XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1' };
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env });
let admin: Connection;

function must(run: CliRun): CliRun {
  if (run.code !== 0) throw new Error(`papi exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return run;
}

interface SetupJson {
  publishedThrough?: { method: string; version: string; reason: string };
  steps: Array<{ id: string; outcome: string; detail?: string }>;
}

beforeAll(async () => {
  must(await papi('local', 'start', '--detach', '--no-hybrid-swap', '--scheduling-delay', '2'));
  const dataDir = join(project, '.papi', 'local');
  const local = (await runningInstance(dataDir))!;
  admin = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: await readPassword(dataDir), role: 'ACCOUNTADMIN' });
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await papi('local', 'stop');
  await rm(project, { recursive: true, force: true });
}, 60_000);

const publishedObjects = async () => ({
  views: (await admin.execute('SHOW VIEWS IN SCHEMA API.DATA')).map((row) => [row.name, String(row.text).replace(/\s+/g, ' ').trim()]),
  tables: (await admin.execute('SHOW TABLES IN SCHEMA API.DATA')).map((row) => [row.name, row.is_hybrid]),
});

async function get22(): Promise<number[]> {
  const rows = JSON.parse(must(await papi('get', '22', '--json')).stdout) as Array<{ USER_ID: number }>;
  return rows.map((row) => row.USER_ID);
}

describe('publishing where SWAP WITH between hybrid tables is refused', () => {
  it('setup falls back to a view over a versioned hybrid table and says so in --json', async () => {
    const setup = JSON.parse(must(await papi('setup', '--json')).stdout) as SetupJson;
    expect(setup.publishedThrough).toMatchObject({ method: 'view', version: 'API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_V1' });
    expect(setup.publishedThrough!.reason).toMatch(/SWAP WITH was refused: Unsupported feature/);
    expect(setup.steps.find((s) => s.id === 'publish')).toMatchObject({ outcome: 'published', detail: expect.stringMatching(/^943 users, through a view over /) });
    const objects = await publishedObjects();
    expect(objects.views).toEqual([['HYBRID_MOVIE_RECOMMENDATIONS', 'SELECT USER_ID, RECOMMENDATIONS FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_V1']]);
    // Only the version the view reads: the swap's leftovers are gone.
    expect(objects.tables).toEqual([['HYBRID_MOVIE_RECOMMENDATIONS_V1', 'Y']]);
  }, 120_000);

  it('a new service waiting for its node is PENDING with no instance, which papi status says as such', async () => {
    must(await papi('deploy', '--no-wait'));
    const [row] = await admin.execute('SHOW SERVICE CONTAINERS IN SERVICE API.DATA.API');
    expect(row).toMatchObject({ service_status: 'PENDING', instance_id: null, status: null });
    const status = must(await papi('status'));
    expect(status.stdout).toContain('no instance running yet: PENDING');
    expect(status.stdout).not.toMatch(/null/);
    const json = JSON.parse(must(await papi('status', '--json')).stdout) as { containers: Array<{ status: string; container: string }> };
    expect(json.containers).toMatchObject([{ status: 'PENDING', container: '' }]);
  }, 120_000);

  it('the deployed service looks users up through the view', async () => {
    // The service exists (still coming up): this deploy is an upgrade, and waits for it to finish.
    const deployed = JSON.parse(must(await papi('deploy', '--json')).stdout) as { action: string };
    expect(deployed.action).toBe('upgraded');
    expect(await get22()).toEqual([22]);
  }, 180_000);

  it('a republish rebuilds the other version and repoints the view, saying so to people', async () => {
    const run = must(await papi('setup', '--only', 'publish', '--force'));
    expect(run.stdout).toMatch(/Published through a view over API\.DATA\.HYBRID_MOVIE_RECOMMENDATIONS_V2, repointed atomically at each publish: the published name is a view/);
    const objects = await publishedObjects();
    expect(objects.views[0]![1]).toMatch(/_V2$/);
    expect(objects.tables.map(([name]) => name).sort()).toEqual(['HYBRID_MOVIE_RECOMMENDATIONS_V1', 'HYBRID_MOVIE_RECOMMENDATIONS_V2']);
    // The API role reads the view (owner's rights) without any grant on the versioned tables.
    const [grant] = (await admin.execute('SHOW GRANTS ON VIEW API.DATA.HYBRID_MOVIE_RECOMMENDATIONS')).filter((row) => row.grantee_name === 'DATA_API_ROLE');
    expect(grant).toMatchObject({ privilege: 'SELECT' });
    expect(await get22()).toEqual([22]);
  }, 120_000);

  it('teardown drops the view and both versions', async () => {
    const down = JSON.parse(must(await papi('teardown', '--yes', '--json')).stdout) as { steps: Array<{ id: string; title: string; outcome: string }> };
    expect(down.steps.find((s) => s.id === 'published-table')).toEqual({ id: 'published-table', title: 'Drop published view API.DATA.HYBRID_MOVIE_RECOMMENDATIONS and its tables', outcome: 'dropped' });
    expect(await admin.execute("SHOW DATABASES LIKE 'API'")).toEqual([]);
  }, 120_000);
});
