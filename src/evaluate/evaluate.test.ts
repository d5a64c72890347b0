// papi evaluate's protocol against values worked out by hand on tiny data sets: the split
// (sql/evaluate/02-split.sql) and the metrics (sql/evaluate/03-metrics.sql) on papi local's engine, then
// the whole command through the CLI on a tiny directory of files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../__tests__/support/cli.js';
import { harness, run, type Harness } from '../local/engine/__tests__/harness.js';
import { readPassword, runningInstance } from '../local/index.js';
import { step } from '../snowflake/plan.js';
import { connect } from '../snowflake/driver.js';
import { integer, qualified } from '../snowflake/template.js';
import { ALGORITHMS } from '../recommend/algorithms.js';
import { pureSvdReference } from '../recommend/reference.js';
import type { EvaluateResult } from './index.js';

const table = (name: string) => qualified(['EV', 'T', name]);

describe('the split and the metrics, on the engine', () => {
  let h: Harness;
  const exec = (sql: string) => run(h.engine, h.admin, sql);
  beforeAll(async () => {
    h = await harness();
    for (const sql of ['CREATE DATABASE EV', 'CREATE SCHEMA EV.T']) await exec(sql);
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  it("holds out each user's last max(1, round(0.2 n)) ratings by (time, item id); fewer than 5 ratings stay in train", async () => {
    await exec('CREATE TABLE EV.T.RATINGS (USER_ID NUMBER(38,0), ITEM_ID NUMBER(38,0), RATING FLOAT, TIMESTAMP TIMESTAMP_NTZ)');
    const day = (d: number) => `'2024-01-0${d} 00:00:00'`;
    const rows = [
      // user 1: 5 ratings → the last one
      ...[1, 2, 3, 4, 5].map((i) => `(1, ${i}, 4, ${day(i)})`),
      // user 2: 9 ratings → round(1.8) = 2; items 17, 18 and 19 share the last day: 18 and 19 are last by id
      ...[11, 12, 13, 14, 15, 16].map((i, n) => `(2, ${i}, 3, ${day(n + 1)})`),
      `(2, 19, 5, ${day(7)})`,
      `(2, 17, 5, ${day(7)})`,
      `(2, 18, 5, ${day(7)})`,
      // user 3: 4 ratings → all train
      ...[21, 22, 23, 24].map((i, n) => `(3, ${i}, 2, ${day(n + 1)})`),
      // user 4: 5 ratings, one undated → it counts as the oldest; 35 is held out
      '(4, 31, 1, NULL)',
      ...[32, 33, 34, 35].map((i, n) => `(4, ${i}, 1, ${day(n + 1)})`),
      // user 5: 41 rated twice (days 1 and 9) → 5 distinct ratings, 41 at its latest time is held out
      ...[41, 42, 43, 44, 45].map((i, n) => `(5, ${i}, 5, ${day(n + 1)})`),
      `(5, 41, 1, ${day(9)})`,
    ];
    await exec(`INSERT INTO EV.T.RATINGS VALUES ${rows.join(', ')}`);
    for (const statement of step('split', '', 'data', 'evaluate/02-split.sql', {
      ranked_table: table('RANKED'),
      ratings_table: table('RATINGS'),
      train_table: table('TRAIN'),
      test_table: table('TEST'),
      test_users: table('TEST_USERS'),
    }).statements)
      await exec(statement.sql);
    const pairs = async (t: string) => (await exec(`SELECT USER_ID, ITEM_ID FROM EV.T.${t} ORDER BY USER_ID, ITEM_ID`)).map((r) => `${r.USER_ID}:${r.ITEM_ID}`);
    expect(await pairs('TEST')).toEqual(['1:5', '2:18', '2:19', '4:35', '5:41']);
    expect(await pairs('TRAIN')).toHaveLength(5 + 9 + 4 + 5 + 5 - 5);
    expect((await exec('SELECT ID FROM EV.T.TEST_USERS ORDER BY ID')).map((r) => r.ID)).toEqual(['1', '2', '4', '5']);
    expect((await exec('SELECT RATING FROM EV.T.TEST WHERE USER_ID = 5'))[0]!.RATING).toBe('3'); // (5 + 1) / 2
  });

  it('NDCG, recall, precision, MAP and coverage at 10, as worked out by hand', async () => {
    await exec('CREATE TABLE EV.T.HELD (USER_ID NUMBER(38,0), ITEM_ID NUMBER(38,0))');
    await exec('CREATE TABLE EV.T.TOP (USER_ID NUMBER(38,0), ITEM_ID NUMBER(38,0), SCORE FLOAT, ITEM_RANK NUMBER(38,0))');
    await exec('CREATE TABLE EV.T.TITLES (ITEM_ID NUMBER(38,0), TITLE VARCHAR)');
    // User 1 holds out 10 and 20 and gets [10, 30, 20, …, 20 ranks, 40 at rank 11]; user 2 holds out 40
    // and gets [50, 60]; user 3 holds out 70 and gets nothing; user 4 holds out nothing (not counted).
    await exec('INSERT INTO EV.T.HELD VALUES (1, 10), (1, 20), (2, 40), (3, 70)');
    const one = [10, 30, 20, 31, 32, 33, 34, 35, 36, 37, 40].map((item, i) => `(1, ${item}, ${20 - i}, ${i + 1})`);
    await exec(`INSERT INTO EV.T.TOP VALUES ${[...one, '(2, 50, 2, 1)', '(2, 60, 1, 2)', '(4, 80, 1, 1)'].join(', ')}`);
    await exec(`INSERT INTO EV.T.TITLES VALUES ${Array.from({ length: 40 }, (_, i) => `(${i + 1}, 't')`).join(', ')}`);
    const [metrics] = step('m', '', 'data', 'evaluate/03-metrics.sql', { top_table: table('TOP'), test_table: table('HELD'), titles_table: table('TITLES'), k: integer(10) }).statements;
    const [row] = await exec(metrics!.sql);
    // User 1: hits at ranks 1 and 3: DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal DCG = 1 + 1/log2(3);
    // recall 2/2; precision 2/10; AP = (1/1 + 2/3) / 2. Users 2 and 3: all 0.
    const ndcg1 = 1.5 / (1 + 1 / Math.log2(3));
    expect(Number(row!.USERS)).toBe(3);
    expect(Number(row!.NDCG)).toBeCloseTo(ndcg1 / 3, 12);
    expect(Number(row!.RECALL)).toBeCloseTo(1 / 3, 12);
    expect(Number(row!.PRECISION)).toBeCloseTo(0.2 / 3, 12);
    expect(Number(row!.MAP)).toBeCloseTo((1 + 2 / 3) / 2 / 3, 12);
    // Titles recommended within the top 10 to users with held-out ratings: 10, 30, 20, 31…37, 50, 60 = 12 of 40.
    expect(Number(row!.COVERAGE)).toBeCloseTo(12 / 40, 12);
  });
});

describe('papi evaluate on a tiny directory, through the CLI', () => {
  const project = tempDir('papi-evaluate-');
  const data = join(project, 'data');
  const env = { NO_COLOR: '1' };

  beforeAll(() => {
    mkdirSync(data);
    // Items 1–6. Users 1, 2 and 4 have 5 or 6 ratings (one held out each: 5, 4 and 4); user 3 has 2.
    const ratings = [
      [1, [1, 2, 3, 4, 5]],
      [2, [1, 2, 3, 6, 4]],
      [3, [1, 2]],
      [4, [1, 3, 2, 5, 6, 4]],
    ] as const;
    const lines = ratings.flatMap(([user, items]) => items.map((item, i) => `${user},${item},4,2024-01-0${i + 1}T10:00:00`));
    writeFileSync(join(data, 'ma301_user_ratings.csv'), `USER_ID,ITEM_ID,RATING,TIMESTAMP\n${lines.join('\n')}\n`);
    writeFileSync(join(data, 'ma301_titles.csv'), `ITEM_ID,TITLE\n${[1, 2, 3, 4, 5, 6].map((i) => `${i},Movie ${i}`).join('\n')}\n`);
    writeFileSync(join(data, 'ma301_user_id.csv'), 'ID\n1\n2\n3\n4\n');
    writeFileSync(join(project, 'papi.yaml'), 'version: 1\n');
  });
  afterAll(async () => {
    await runCli(['local', 'stop'], { cwd: project, env });
    await rm(project, { recursive: true, force: true });
  }, 60_000);

  it('prints one JSON document whose popularity row has the hand-computed metrics, and leaves nothing behind', async () => {
    const result = await runCli(['evaluate', '--data', data, '--algorithms', 'popularity', '--json'], { cwd: project, env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as EvaluateResult & { command: string };
    expect(report.command).toBe('evaluate');
    expect(report.rows.map((r) => r.algorithm)).toEqual(['notebook', 'popularity']);
    expect(report.split).toEqual({ users: 4, testUsers: 3, trainRatings: 15, testRatings: 3 });
    // Train popularity: 1 and 2 (4 users), 3 (3), 6 (2), 4 and 5 (1). User 1 (rated 1–4) gets [6, 5]:
    // its held-out 5 at rank 2; user 2 (1, 2, 3, 6) gets [4, 5]: 4 at rank 1; user 4 (1, 3, 2, 5, 6) gets [4].
    const popularity = report.rows[1]!;
    expect(popularity.metrics.ndcg).toBeCloseTo((1 / Math.log2(3) + 1 + 1) / 3, 12);
    expect(popularity.metrics.recall).toBeCloseTo(1, 12);
    expect(popularity.metrics.precision).toBeCloseTo(0.1, 12);
    expect(popularity.metrics.map).toBeCloseTo((0.5 + 1 + 1) / 3, 12);
    expect(popularity.metrics.coverage).toBeCloseTo(3 / 6, 12);
    expect(popularity.change.ndcg).toBeCloseTo(popularity.metrics.ndcg / report.rows[0]!.metrics.ndcg - 1, 12);
    expect(report.rows[0]!.parameters).toEqual({ neighbors: 9 });

    // Its database is gone, and it created nothing of papi setup's.
    const dir = join(project, '.papi', 'local');
    const local = (await runningInstance(dir))!;
    const admin = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: await readPassword(dir), role: 'ACCOUNTADMIN' });
    try {
      const names = (await admin.execute<{ name: string }>('SHOW DATABASES')).map((d) => d.name);
      expect(names).not.toContain('PAPI_EVALUATE');
      expect(names).not.toContain('API');
    } finally {
      await admin.close();
    }
  }, 240_000);

  it('evaluates puresvd (a JavaScript procedure): settings chosen on validation, metrics as the exact PureSVD gives', async () => {
    const result = await runCli(['evaluate', '--data', data, '--algorithms', 'puresvd', '--json'], { cwd: project, env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as EvaluateResult;
    const row = report.rows.find((r) => r.algorithm === 'puresvd')!;
    expect(row.validation!.map((v) => v.parameters)).toEqual(ALGORITHMS.puresvd.grid);
    expect(ALGORITHMS.puresvd.grid).toContainEqual(row.parameters);
    // Train: user 1 rated 1–4, user 2 1, 2, 3, 6, user 3 1, 2, user 4 1, 3, 2, 5, 6 (all 4 stars); test: 5, 4, 4.
    const train = [
      [1, [1, 2, 3, 4]],
      [2, [1, 2, 3, 6]],
      [3, [1, 2]],
      [4, [1, 3, 2, 5, 6]],
    ] as const;
    const held = new Map([[1, 5], [2, 4], [4, 4]]);
    const exact = pureSvdReference(
      train.flatMap(([user, items]) => items.map((item) => ({ user, item, rating: 4, at: null }))),
      new Set([1, 2, 3, 4, 5, 6]),
      [...held.keys()],
      { factors: row.parameters.factors!, topN: 10 },
    );
    // One held-out title per user: NDCG = 1/log2(rank + 1), recall 1 when it is in the list, AP = 1/rank.
    const rank = (user: number) => exact.get(user)!.findIndex((e) => e.item === held.get(user)) + 1;
    const users = [...held.keys()];
    const mean = (f: (user: number) => number) => users.reduce((s, u) => s + f(u), 0) / users.length;
    expect(row.metrics.ndcg).toBeCloseTo(mean((u) => (rank(u) > 0 ? 1 / Math.log2(rank(u) + 1) : 0)), 12);
    expect(row.metrics.recall).toBeCloseTo(mean((u) => (rank(u) > 0 ? 1 : 0)), 12);
    expect(row.metrics.map).toBeCloseTo(mean((u) => (rank(u) > 0 ? 1 / rank(u) : 0)), 12);
  }, 240_000);

  it('refuses an unknown algorithm before connecting (exit 2)', async () => {
    const result = await runCli(['evaluate', '--algorithms', 'item-knn,ease'], { cwd: project, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--algorithms: unknown "ease"');
  });
});
