// papi setup against papi local with the user's own files: the tutorial's ma301_* format, a bad file
// that must stop the run and leave the loaded tables as they were, and an account without hybrid
// tables (papi local --no-hybrid-tables), where the hint leads to --table-type standard; and data so
// thin it would empty the published table, which is not published without --force.
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPassword, runningInstance } from '../local/index.js';
import { connect, type Connection } from '../snowflake/driver.js';
import { runCli, tempDir, type CliRun } from './support/cli.js';

const project = tempDir('papi-setup-');
const env = { XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1' };
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env });
const crlf = (text: string) => text.replace(/\n/g, '\r\n');
let admin: Connection;

/** A small data set in the tutorial's format: 8 users, 6 titles (one with a comma), CRLF, ISO timestamps. */
function tutorialFiles(dir: string, ratingsText?: string, usersText?: string): string {
  mkdirSync(dir, { recursive: true });
  const ratings: string[] = [];
  for (let user = 1; user <= 8; user++)
    for (let item = 1; item <= 6; item++)
      if ((user + item) % 3 !== 0) ratings.push(`${user},${item},${((user * item) % 5) + 1},2024-12-0${(item % 9) + 1}T15:55:49.000`);
  writeFileSync(join(dir, 'ma301_user_ratings.csv'), ratingsText ?? crlf(`USER_ID,ITEM_ID,RATING,TIMESTAMP\n${ratings.join('\n')}\n`));
  writeFileSync(
    join(dir, 'ma301_titles.csv'),
    crlf('ITEM_ID,TITLE\n1,Toy Story (1995)\n2,GoldenEye (1995)\n3,"Usual Suspects, The (1995)"\n4,Kolya (1996)\n5,Heat (1995)\n6,Babe (1995)\n'),
  );
  writeFileSync(join(dir, 'ma301_user_id.csv'), usersText ?? crlf('ID\n1\n2\n3\n4\n5\n6\n7\n8\n'));
  return dir;
}

function must(run: CliRun): CliRun {
  if (run.code !== 0) throw new Error(`papi exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return run;
}

beforeAll(async () => {
  must(await papi('local', 'start', '--detach', '--no-hybrid-tables'));
  const local = (await runningInstance(join(project, '.papi', 'local')))!;
  admin = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: await readPassword(join(project, '.papi', 'local')), role: 'ACCOUNTADMIN' });
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await papi('local', 'stop');
  await rm(project, { recursive: true, force: true });
}, 60_000);

const count = async (table: string) => Number((await admin.execute(`SELECT COUNT(*) AS N FROM ${table}`))[0]!.N);

describe('papi setup --data <dir> on an account without hybrid tables', () => {
  it('stops at the publish step with the reason and what to do instead', async () => {
    const run = await papi('setup', '--data', tutorialFiles(join(project, 'tutorial')));
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("Unsupported feature 'HYBRID TABLE'.");
    expect(run.stderr).toMatch(/not supported in trial accounts/);
    expect(run.stderr).toContain('--table-type standard');
    // Everything before the publish step happened, from the tutorial's files.
    expect(await count('MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA."USER"')).toBe(8);
    expect(await count('MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.USER_RATINGS')).toBe(32);
  });

  it('publishes a standard table with --table-type standard, reusing the loaded data and recommendations', async () => {
    const run = must(await papi('setup', '--data', join(project, 'tutorial'), '--table-type', 'standard', '--json'));
    const steps = (JSON.parse(run.stdout) as { steps: Array<{ id: string; outcome: string }> }).steps;
    expect(steps.find((s) => s.id === 'load-ratings')?.outcome).toBe('unchanged');
    expect(steps.find((s) => s.id === 'publish')?.outcome).toBe('published');
    const rows = await admin.execute<{ USER_ID: number; RECOMMENDATIONS: Array<{ movie_name: string }> }>(
      'SELECT USER_ID, RECOMMENDATIONS FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS ORDER BY USER_ID',
    );
    expect(rows.map((r) => r.USER_ID)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows.flatMap((r) => r.RECOMMENDATIONS.map((m) => m.movie_name))).toContain('Usual Suspects, The (1995)');
  });

  it('each phase sets its warehouse: --only data, recommend and publish work on a connection without one', async () => {
    // The admin user's default warehouse is gone: its sessions start with none (COPY, CTAS and queries would fail 000606).
    await admin.execute('ALTER USER PAPI UNSET DEFAULT_WAREHOUSE');
    try {
      for (const phase of ['data', 'recommend', 'publish']) {
        const run = await papi('setup', '--only', phase, '--force', '--data', join(project, 'tutorial'), '--table-type', 'standard', '--json');
        expect(run.code, `${phase}: ${run.stderr}`).toBe(0);
      }
      expect(await count('API.DATA.HYBRID_MOVIE_RECOMMENDATIONS')).toBe(8);
    } finally {
      await admin.execute('ALTER USER PAPI SET DEFAULT_WAREHOUSE = COMPUTE_WH');
    }
  });

  it('a bad file stops before anything is uploaded, names file and line, and leaves the tables as they were', async () => {
    const bad = tutorialFiles(join(project, 'bad'), crlf('USER_ID,ITEM_ID,RATING,TIMESTAMP\n1,1,4,2024-12-04T15:55:49.000\nx,2,3,2024-12-04T15:55:49.000\n'));
    const run = await papi('setup', '--data', bad, '--table-type', 'standard');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/ma301_user_ratings\.csv:3/);
    expect(await count('MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.USER_RATINGS')).toBe(32);
    expect(await count('API.DATA.HYBRID_MOVIE_RECOMMENDATIONS')).toBe(8);
  });

  it('new recommendations that would empty the published table are not published without --force', async () => {
    // One user with one rating: nothing to recommend to anyone (with more users, those without ratings would get the most popular titles).
    const thin = tutorialFiles(join(project, 'thin'), crlf('USER_ID,ITEM_ID,RATING,TIMESTAMP\n1,1,4,2024-12-04T15:55:49.000\n'), crlf('ID\n1\n'));
    const refused = await papi('setup', '--data', thin, '--table-type', 'standard');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Not published: the new recommendations cover 0 users, and the published table serves 8; publishing would leave it empty/);
    expect(refused.stderr).toMatch(/papi setup --force/);
    // Data of another origin replaces the last run's: the load says so.
    expect(refused.stderr).toMatch(/rows, replacing \S*tutorial/);
    expect(await count('API.DATA.HYBRID_MOVIE_RECOMMENDATIONS')).toBe(8);
    must(await papi('setup', '--data', thin, '--table-type', 'standard', '--force'));
    expect(await count('API.DATA.HYBRID_MOVIE_RECOMMENDATIONS')).toBe(0);
    // Back to the good data for whatever runs next.
    must(await papi('setup', '--data', join(project, 'tutorial'), '--table-type', 'standard', '--force'));
    expect(await count('API.DATA.HYBRID_MOVIE_RECOMMENDATIONS')).toBe(8);
  }, 120_000);
});
