// Issue 14 item 3, as a user lives it: `service.idFormat: alphanumeric` in papi.yaml, the tutorial's
// files with user ids that are not numbers, then setup, deploy and `papi get abc-17,22` — the built
// bin/papi as separate processes against the papi local it starts on demand.
import { execa } from 'execa';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/cli.js';

const papi = fileURLToPath(new URL('../../bin/papi', import.meta.url));
let project: string;
let home: string;

function run(args: string[], timeout = 240_000) {
  return execa(process.execPath, [papi, ...args], {
    cwd: project,
    env: { HOME: home, SNOWFLAKE_HOME: join(home, '.snowflake'), NO_COLOR: '1', PAPI_TARGET: undefined, SNOWFLAKE_ACCOUNT: undefined },
    extendEnv: true,
    reject: false,
    timeout,
  });
}

const papiYaml = (idFormat: string) => `version: 1\nservice:\n  idFormat: ${idFormat}\n`;

/** Six users with string ids (one all digits, one with leading zeros), eight titles: every user gets recommendations. */
const RATINGS = [
  'USER_ID,ITEM_ID,RATING',
  'abc-17,1,5', 'abc-17,2,4', 'abc-17,3,1',
  '22,1,4', '22,2,5', '22,4,4', '22,5,2',
  'Zed_9,2,3', 'Zed_9,3,5', 'Zed_9,6,4',
  '007,1,2', '007,6,5', '007,7,4',
  'ABC-17,4,5', 'ABC-17,5,4', 'ABC-17,8,3',
  'x,7,4', 'x,8,5', 'x,1,3',
];
const TITLES = ['ITEM_ID,TITLE', ...Array.from({ length: 8 }, (_, i) => `${i + 1},"Title ${i + 1} (1990)"`)];
const USERS = ['ID', 'abc-17', '22', 'Zed_9', '007', 'ABC-17', 'x'];

function dataDir(name: string, ratings: string[]): void {
  const dir = join(project, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ma301_user_ratings.csv'), `${ratings.join('\n')}\n`);
  writeFileSync(join(dir, 'ma301_titles.csv'), `${TITLES.join('\n')}\n`);
  writeFileSync(join(dir, 'ma301_user_id.csv'), `${USERS.join('\n')}\n`);
}

beforeAll(() => {
  project = tempDir('papi-alnum-');
  home = tempDir('papi-alnum-home-');
  writeFileSync(join(project, 'papi.yaml'), papiYaml('alphanumeric'));
  dataDir('data', RATINGS);
  // Line 5 of the ratings holds an id with a dot: not an alphanumeric id.
  dataDir('bad', [...RATINGS.slice(0, 4), 'abc.17,4,3', ...RATINGS.slice(4)]);
});

afterAll(async () => {
  await run(['local', 'stop'], 60_000);
  rmSync(project, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('service.idFormat: alphanumeric, from the files to papi get', () => {
  it('a user id that does not fit the format is named with its file and line, and nothing is created', async () => {
    const r = await run(['setup', '--data', 'bad']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${join('bad', 'ma301_user_ratings.csv')}:5: USER_ID "abc.17" is not an alphanumeric id (1 to 64 letters (A-Z, a-z), digits, _ or -)`);
    expect(r.stderr).not.toMatch(/Create roles/);
  }, 300_000);

  it('setup keys the tables by VARCHAR user id, deploy, and papi get abc-17,22 answers both, ids as strings', async () => {
    const setup = await run(['setup', '--data', 'data', '--json']);
    expect(setup.exitCode, setup.stderr).toBe(0);
    const dryRun = await run(['setup', '--dry-run']);
    expect(dryRun.stdout).toMatch(/USER_ID VARCHAR\(64\) PRIMARY KEY/);
    expect(dryRun.stdout).not.toMatch(/USER_ID NUMBER/);

    const deploy = await run(['deploy', '--json'], 420_000);
    expect(deploy.exitCode, deploy.stderr).toBe(0);

    const get = await run(['get', 'abc-17,22', '--json']);
    expect(get.exitCode, get.stderr).toBe(0);
    const rows = JSON.parse(get.stdout) as Array<{ USER_ID: unknown; RECOMMENDATIONS: Array<{ movie_id: number }> }>;
    expect(rows.map((row) => row.USER_ID)).toEqual(['abc-17', '22']);
    for (const row of rows) expect(row.RECOMMENDATIONS.length).toBeGreaterThan(0);
    // abc-17 rated 1, 2 and 3: none of them comes back to it.
    expect(rows[0]!.RECOMMENDATIONS.map((r) => r.movie_id).filter((id) => id <= 3)).toEqual([]);

    // Case and leading zeros matter: ABC-17 and 007 are users of their own, 7 and abc-18 are nobody.
    const exact = await run(['get', 'ABC-17,007', '--json']);
    expect(exact.exitCode, exact.stderr).toBe(0);
    expect((JSON.parse(exact.stdout) as Array<{ USER_ID: unknown }>).map((row) => row.USER_ID)).toEqual(['ABC-17', '007']);
    const nobody = await run(['get', '7,abc-18', '--json']);
    expect(nobody.exitCode, nobody.stderr).toBe(0);
    expect(JSON.parse(nobody.stdout)).toEqual([]);

    // What the format refuses never leaves the CLI.
    const bad = await run(['get', 'abc.17']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/invalid id: "abc\.17"/);
  }, 900_000);

  it('papi up loads the generated sample with alphanumeric ids and asks for user-22', async () => {
    const up = await run(['up'], 600_000);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/sample \(alphanumeric ids\) · 943 users, 100,000 ratings, 1,682 titles/);
    expect(up.stderr).toMatch(/GET \/customer\/user-22 through the ingress HTTP 200/);
    expect(up.stdout).toMatch(/User user-22's recommendations, from http:\/\/127\.0\.0\.1:\d+\/customer\/user-22:/);
    expect(up.stdout.split('\n').filter((line) => /^ +\d+\. .+ \d+\.\d\d$/.test(line))).toHaveLength(10);
    expect(up.stdout).toMatch(/Next: papi get user-22,user-196/);
  }, 700_000);

  it('tables made for alphanumeric ids are not reused for integer ids: setup says what to do (exit 2)', async () => {
    writeFileSync(join(project, 'papi.yaml'), papiYaml('integer'));
    try {
      const r = await run(['setup', '--skip-data']);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/USER_RATINGS\.USER_ID is VARCHAR\(64\): the tables were made for alphanumeric user ids, and service\.idFormat is integer/);
      expect(r.stderr).toMatch(/papi teardown --yes/);
    } finally {
      writeFileSync(join(project, 'papi.yaml'), papiYaml('alphanumeric'));
    }
  }, 300_000);
});
