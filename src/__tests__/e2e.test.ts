// The whole job on a fresh papi local, through the CLI as users run it: `papi up` (setup on the sample
// data, deploy, token, get 22), then checks against the tables themselves through the real driver,
// the reference recommender, the ingress's refusals, a rerun that changes nothing, and teardown. The
// project is a git repository with a .gitignore and a papi.yaml from `papi init`, as users keep one:
// none of the secrets papi up leaves in .papi/ can be added to it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitCsvLine } from '../data/csv.js';
import { DEFAULTS } from '../config/defaults.js';
import { itemKnnReference, type DatedRating } from '../recommend/reference.js';
import { generateSample } from '../data/sample.js';
import { readPassword, runningInstance } from '../local/index.js';
import { LocalTokenAuthority, loadSecretKey } from '../local/tokens.js';
import { connect, type Connection } from '../snowflake/driver.js';
import { readDeployment } from '../deploy/deployment.js';
import { runCli, tempDir, type CliRun } from './support/cli.js';

const project = tempDir('papi-e2e-');
const env = { XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1' };
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env });
const dataDir = join(project, '.papi', 'local');
let admin: Connection;

/** git in the project, blind to the machine's and the user's git configuration. */
const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: project, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });

function must(run: CliRun): CliRun {
  if (run.code !== 0) throw new Error(`papi exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return run;
}

beforeAll(async () => {
  git('init', '-q');
  writeFileSync(join(project, '.gitignore'), 'node_modules/\ncache/\n');
  must(await papi('init'));
  must(await papi('up'));
  const local = await runningInstance(dataDir);
  admin = await connect({ account: local!.account, accessUrl: local!.accessUrl, user: local!.user, password: await readPassword(dataDir), role: 'ACCOUNTADMIN' });
}, 240_000);

afterAll(async () => {
  await admin?.close();
  await papi('local', 'stop');
  await rm(project, { recursive: true, force: true });
}, 60_000);

describe('papi up on a fresh papi local', () => {
  it("leaves nothing from .papi/ (the service user's private key, cached tokens, papi local's secrets) for git to add", () => {
    for (const secret of ['keys', 'tokens.json', 'local/admin-password', 'local/secret.key']) expect(existsSync(join(project, '.papi', secret)), secret).toBe(true);
    expect(readFileSync(join(project, '.gitignore'), 'utf8')).toBe('node_modules/\ncache/\n.papi/\n');
    git('add', '-A');
    expect(git('status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort()).toEqual(['A  .gitignore', 'A  papi.yaml']);
  });

  it("papi get 22 returns exactly the hybrid table's row for user 22", async () => {
    const got = must(await papi('get', '22', '--json'));
    const [row] = await admin.execute('SELECT USER_ID, RECOMMENDATIONS FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS WHERE USER_ID = ?', [22]);
    expect(JSON.parse(got.stdout)).toEqual([{ USER_ID: 22, RECOMMENDATIONS: row!.RECOMMENDATIONS }]);
    expect((row!.RECOMMENDATIONS as unknown[]).length).toBe(10);
  });

  it('published one row per user, none recommending a movie the user rated, equal to the default algorithm (item-knn) in TypeScript', async () => {
    const sample = generateSample();
    const rows = (text: string) => text.trim().split('\n').slice(1).map((line) => (splitCsvLine(line, ',') as { fields: string[] }).fields);
    const ratings: DatedRating[] = rows(sample.ratings).map(([user, item, rating, at]) => ({ user: Number(user), item: Number(item), rating: Number(rating), at: Date.parse(`${at!.replace(' ', 'T')}Z`) / 1000 }));
    const titles = new Map(rows(sample.titles).map(([id, title]) => [Number(id), title!]));
    const users = rows(sample.users).map(([id]) => Number(id));
    const reference = itemKnnReference(ratings, new Set(titles.keys()), users, { halfLife: DEFAULTS.recommender.halfLife, topN: 10 });
    const expected = new Map([...reference].map(([user, list]) => [user, list.map((r) => ({ movie_id: r.item, movie_name: titles.get(r.item)!, movie_score: r.score }))]));

    const published = await admin.execute<{ USER_ID: number; RECOMMENDATIONS: Array<{ movie_id: number; movie_name: string; movie_score: string }> }>(
      'SELECT USER_ID, RECOMMENDATIONS FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS ORDER BY USER_ID',
    );
    expect(published.length).toBe(943);
    const rated = new Set(ratings.map((r) => `${r.user}:${r.item}`));
    for (const { USER_ID, RECOMMENDATIONS } of published) {
      for (const rec of RECOMMENDATIONS) expect(rated.has(`${USER_ID}:${rec.movie_id}`), `user ${USER_ID} rated ${rec.movie_id}`).toBe(false);
      expect(RECOMMENDATIONS, `user ${USER_ID}`).toEqual(expected.get(USER_ID));
    }
  });

  it('a second setup changes nothing and reports every step unchanged', async () => {
    const before = await admin.execute('SELECT COUNT(*) AS N, SUM(USER_ID) AS S FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS');
    const run = must(await papi('setup', '--json'));
    const steps = (JSON.parse(run.stdout) as { steps: Array<{ id: string; outcome: string }> }).steps;
    expect(steps.filter((s) => s.outcome !== 'unchanged')).toEqual([]);
    expect(await admin.execute('SELECT COUNT(*) AS N, SUM(USER_ID) AS S FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS')).toEqual(before);
  });

  it('a republish while the service runs says how long its cached answers stay (#17.5)', async () => {
    const run = must(await papi('setup', '--only', 'publish', '--force'));
    expect(run.stdout).toMatch(/answers ids it has cached from the previous table for up to 180 s \(service\.cache\.ttlSeconds\)/);
    expect(run.stdout).not.toMatch(/Next: papi deploy/);
    const json = JSON.parse(must(await papi('setup', '--only', 'publish', '--force', '--json')).stdout) as { cachedAnswers?: { ttlSeconds: number } };
    expect(json.cachedAnswers?.ttlSeconds).toBe(180);
  });

  it('the ingress refuses requests without a token, with a garbage token and with an expired one', async () => {
    const deployment = (await readDeployment(join(project, '.papi', 'deployment.json')))!;
    const call = (authorization?: string) =>
      fetch(`${deployment.url}/customer/22`, { headers: authorization ? { authorization } : {}, redirect: 'manual' }).then((r) => r.status);
    expect(await call()).toBe(401);
    expect(await call('Snowflake Token="garbage"')).toBe(401);
    const header = (token: string) => `Snowflake Token="${token}"`;
    const token = must(await papi('token')).stdout.trim();
    expect(await call(header(token))).toBe(200);
    // An expired token, properly signed by this papi local: issued two hours ago for ten minutes.
    const past = new LocalTokenAuthority(await loadSecretKey(dataDir), undefined, () => Date.now() - 2 * 3600_000);
    const expired = past.issueOAuthToken({ user: 'SVC_DATA_API', role: 'DATA_API_ROLE', audience: deployment.endpointHost }, 600);
    expect(await call(header(expired))).toBe(401);
  });

  it('papi get 22 works with a programmatic access token (SNOWFLAKE_PAT) alone, and a removed one is refused', async () => {
    const [pat] = await admin.execute<{ token_name: string; token_secret: string }>("ALTER USER SVC_DATA_API ADD PAT E2E ROLE_RESTRICTION = 'DATA_API_ROLE'");
    expect(pat?.token_name).toBe('E2E');
    const withPat = { ...env, SNOWFLAKE_PAT: pat!.token_secret };
    // Neither the key pair nor the token cache may take part: they are set aside, and must not come back.
    const state = join(project, '.papi');
    const aside = [join(state, 'keys'), join(state, 'tokens.json')];
    for (const file of aside) await rename(file, `${file}.aside`);
    try {
      const got = must(await runCli(['get', '22', '--json'], { cwd: project, env: withPat }));
      const [row] = await admin.execute('SELECT USER_ID, RECOMMENDATIONS FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS WHERE USER_ID = ?', [22]);
      expect(JSON.parse(got.stdout)).toEqual([{ USER_ID: 22, RECOMMENDATIONS: row!.RECOMMENDATIONS }]);
      for (const file of aside) expect(existsSync(file), file).toBe(false);

      await admin.execute('ALTER USER SVC_DATA_API REMOVE PAT E2E');
      const refused = await runCli(['get', '22', '--json'], { cwd: project, env: withPat });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/401/);
      expect(refused.stderr).toMatch(/programmatic access token in SNOWFLAKE_PAT was refused/);
      // The cause Snowflake's default PAT policy makes likeliest for a service user comes first, with the offer.
      expect(refused.stderr).toMatch(/TYPE = SERVICE user \(papi's SVC_DATA_API is one\),\nSnowflake accepts it only while that user is subject to a network policy/);
      expect(refused.stderr).toContain('`papi token --pat-network-policy` prints the statements');
      // The offer: validated names, the address left to fill in; papi local has no network policies and says so.
      const policy = JSON.parse(must(await runCli(['token', '--pat-network-policy', '--json'], { cwd: project, env })).stdout) as { statements: string[] };
      expect(policy.statements.at(-1)).toBe('ALTER USER SVC_DATA_API SET NETWORK_POLICY = SVC_DATA_API_PAT_POLICY');
      expect(policy.statements[0]).toMatch(/^CREATE NETWORK RULE IF NOT EXISTS API\.DATA\.SVC_DATA_API_PAT_RULE\b[\s\S]*VALUE_LIST = \('<your public IPv4>\/32'\)$/);
      for (const statement of [policy.statements[0]!.replace('<your public IPv4>', '127.0.0.1'), policy.statements.at(-1)!])
        await expect(admin.execute(statement)).rejects.toMatchObject({ snowflakeCode: '002040', message: expect.stringMatching(/NETWORK/) });
      const deployment = (await readDeployment(join(state, 'deployment.json')))!;
      const direct = await fetch(`${deployment.url}/customer/22`, { headers: { authorization: `Snowflake Token="${pat!.token_secret}"` } });
      expect(direct.status).toBe(401);
    } finally {
      for (const file of aside) await rename(`${file}.aside`, file);
    }
  });

  it('papi status reports the service and its endpoint', async () => {
    const status = JSON.parse(must(await papi('status', '--json')).stdout) as { exists: boolean; containers: Array<{ status: string }>; endpoints: Array<{ url?: string }> };
    expect(status.exists).toBe(true);
    expect(status.containers.map((c) => c.status)).toEqual(['READY']);
    expect(status.endpoints[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('papi token --rotate registers the new key once, and the new token works', async () => {
    const rotated = must(await papi('token', '--rotate'));
    expect((rotated.stdout + rotated.stderr).match(/Register the public key/g)).toHaveLength(1);
    must(await papi('get', '22', '--json'));
  });

  it('papi bench loads the deployed endpoint through the ingress with ids from the USER table, hit and miss', async () => {
    type Report = { completed: number; errors: { total: number }; cache: { hitRatio: number | null }; latencyMs: { p90: number } };
    const bench = async (cache: string) =>
      JSON.parse(must(await papi('bench', '--requests', '300', '--rate', '300', '--warmup', '0', '--cache', cache, '--json')).stdout) as Report;
    const hit = await bench('hit');
    expect(hit.completed).toBe(300);
    expect(hit.errors.total).toBe(0);
    expect(hit.cache.hitRatio).toBeGreaterThan(0.9);
    const miss = await bench('miss');
    expect(miss.completed).toBe(300);
    expect(miss.errors.total).toBe(0);
    // The hit run primed only a small hot set; the miss run asks ids that were never asked before.
    expect(miss.cache.hitRatio).toBeLessThan(0.1);
  });

  it('teardown --yes leaves none of papi’s objects, and a second teardown is a no-op', async () => {
    must(await papi('teardown', '--yes'));
    expect(await admin.execute("SHOW DATABASES LIKE 'MOVIE_RECOMMENDER_DB'")).toEqual([]);
    expect(await admin.execute("SHOW DATABASES LIKE 'API'")).toEqual([]);
    expect(await admin.execute("SHOW ROLES LIKE 'DATA_API_ROLE'")).toEqual([]);
    expect(await admin.execute("SHOW USERS LIKE 'SVC_DATA_API'")).toEqual([]);
    expect(await admin.execute("SHOW COMPUTE POOLS LIKE 'API'")).toEqual([]);
    expect(await admin.execute("SHOW WAREHOUSES LIKE 'DATA_API_WH'")).toEqual([]);
    const again = JSON.parse(must(await papi('teardown', '--yes', '--json')).stdout) as { steps: Array<{ outcome: string }> };
    expect(again.steps.every((s) => s.outcome === 'absent')).toBe(true);
  });
});
