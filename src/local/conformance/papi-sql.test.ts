// Conformance: papi's own SQL — every statement of setupPlan(config) and teardownPlan(config), as
// rendered from sql/ — through the real snowflake-sdk against papi local. The data are the tutorial's
// file format, prepared by papi's data module and uploaded with papi's own PUT statement, so the
// whole path (files → PUT → COPY INTO → recommendations → hybrid table) runs as `papi setup` runs it.
// The published recommendations are checked against the plain-TypeScript reference kNN.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OBJECTS, DEFAULTS } from '../../config/defaults.js';
import type { PapiConfig } from '../../config/types.js';
import { prepareData, type PreparedData } from '../../data/index.js';
import { referenceRecommendations } from '../../data/reference-knn.js';
import { connect, type Connection } from '../../snowflake/driver.js';
import { outcomeOf, type Outcome } from '../../snowflake/outcome.js';
import { resolveNames, setupPlan, step, teardownPlan, type PlanStep } from '../../snowflake/plan.js';
import { fileUrl, pathSegment } from '../../snowflake/template.js';
import { registerKeyStatement } from '../../deploy/statements.js';
import { TUTORIAL_DATA, writeTutorialFiles } from './fixtures/tutorial-files.js';
import { connectAdmin, driverFailure, rsaKeyPair, startLocalUnderTest, type LocalUnderTest } from './support.js';

function config(): PapiConfig {
  return {
    version: 1,
    target: 'local',
    connection: {},
    snowflake: structuredClone(DEFAULT_OBJECTS),
    data: { ...DEFAULTS.data },
    recommender: { algorithm: 'user-knn', neighbors: 2, halfLife: 3, topN: 3 },
    service: structuredClone(DEFAULTS.service),
    local: { ...DEFAULTS.local },
    projectDir: '.',
  } as PapiConfig;
}

let target: LocalUnderTest;
let c: Connection;
let prepared: PreparedData;
const cfg = config();
const names = resolveNames(cfg.snowflake);
const o = cfg.snowflake;
const published = `${o.api.database}.${o.api.schema}.${o.api.table}`;
const recommender = (table: string) => `${o.recommender.database}.${o.recommender.schema}.${table}`;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-papi-sql');
  const input = mkdtempSync(path.join(target.scratch, 'tutorial-'));
  writeTutorialFiles(input);
  prepared = await prepareData(input, { cacheDir: target.scratch, tmpDir: target.scratch });
  c = await connectAdmin(target.local);
});

afterAll(async () => {
  await c?.close();
  await prepared?.remove();
  await target?.close();
});

/** Runs a plan as setup and teardown do: PUT the step's file first, then its statements in order. */
async function runPlan(steps: PlanStep[]): Promise<Record<string, Outcome[]>> {
  const outcomes: Record<string, Outcome[]> = {};
  for (const planned of steps) {
    if (planned.upload) {
      const kind = planned.upload.data;
      const put = step('put', 'Upload', 'data', 'data/put.sql', { file: fileUrl(prepared.files[kind]), stage: names.stage, folder: pathSegment(kind) });
      for (const statement of put.statements) expect((await c.execute(statement.sql))[0]).toMatchObject({ status: 'UPLOADED' });
    }
    for (const statement of planned.statements) {
      const rows = await c.execute(statement.sql, statement.binds).catch((error: Error) => {
        throw new Error(`${statement.source}: ${error.message}\n${statement.sql}`);
      });
      (outcomes[planned.id] ??= []).push(outcomeOf(rows));
    }
  }
  return outcomes;
}

const OBJECT_STEPS = ['roles', 'warehouse', 'databases', 'stage', 'tables', 'image-repository', 'compute-pool', 'service-user'];

describe("papi's setup SQL", () => {
  it('runs every statement of the setup plan; each object step creates its objects', async () => {
    const outcomes = await runPlan(setupPlan(cfg));
    for (const id of OBJECT_STEPS) expect(outcomes[id], id).toContain('created');
    // Every step of the plan ran.
    expect(Object.keys(outcomes).sort()).toEqual(setupPlan(cfg).map((s) => s.id).sort());
  });

  it('loads the files, computes the recommendations and publishes them as the reference kNN says', async () => {
    const counts = await c.execute<{ N: number }>(
      `SELECT 1 AS K, COUNT(*) AS N FROM ${recommender('USER_RATINGS')} UNION ALL SELECT 2, COUNT(*) FROM ${recommender('TITLE')} UNION ALL SELECT 3, COUNT(*) FROM ${recommender('"USER"')} ORDER BY K`,
    );
    expect(counts.map((r) => r.N)).toEqual([TUTORIAL_DATA.ratings.length, TUTORIAL_DATA.titles.length, TUTORIAL_DATA.users.length]);

    const expected = referenceRecommendations(
      TUTORIAL_DATA.ratings.map(([user, item, rating]) => ({ user, item, rating })),
      new Map(TUTORIAL_DATA.titles),
      { ...cfg.recommender, forUsers: TUTORIAL_DATA.users },
    );
    const rows = await c.execute<{ USER_ID: number; RECOMMENDATIONS: unknown }>(`SELECT USER_ID, RECOMMENDATIONS FROM ${published} ORDER BY USER_ID`);
    expect(rows.map((r) => r.USER_ID)).toEqual([...expected.keys()].sort((a, b) => a - b));
    for (const row of rows) expect(row.RECOMMENDATIONS, `user ${row.USER_ID}`).toEqual(expected.get(row.USER_ID));

    const [table] = await c.execute(`SHOW TABLES LIKE '${o.api.table}' IN SCHEMA ${o.api.database}.${o.api.schema}`);
    expect(table).toMatchObject({ is_hybrid: 'Y', rows: expected.size });
  });

  it('runs the setup plan again: nothing is created twice', async () => {
    const outcomes = await runPlan(setupPlan(cfg));
    for (const id of OBJECT_STEPS) expect(outcomes[id]?.filter((x) => x === 'created'), id).toEqual([]);
  });

  it("lets the service user (key pair registered with papi's token SQL) read the published table and nothing else", async () => {
    const key = rsaKeyPair(target.scratch, 'papi-svc');
    await c.execute(registerKeyStatement(cfg, 'RSA_PUBLIC_KEY', key.publicBody).sql);
    const svc = await connect({
      account: target.local.account,
      accessUrl: target.local.accessUrl,
      user: o.service.user,
      authenticator: 'SNOWFLAKE_JWT',
      privateKeyPath: key.privateKeyPath,
    });
    try {
      expect(await svc.execute('SELECT CURRENT_ROLE() AS R, CURRENT_WAREHOUSE() AS W')).toEqual([{ R: o.apiRole.toUpperCase(), W: o.warehouse.name.toUpperCase() }]);
      const rows = await svc.execute<{ USER_ID: number }>(`SELECT USER_ID FROM ${published} WHERE USER_ID IN (?, ?, ?)`, [1, 3, 999]);
      expect(rows.map((r) => r.USER_ID).sort()).toEqual([1, 3]);
      expect((await driverFailure(svc.execute(`SELECT * FROM ${recommender('USER_RATINGS')}`))).code).toBe('002003');
      expect((await driverFailure(svc.execute(`DELETE FROM ${published}`))).code).toBe('003001');
    } finally {
      await svc.close();
    }
  });
});

describe("papi's teardown SQL", () => {
  it('drops everything setup created, then finds nothing left to drop', async () => {
    const first = await runPlan(teardownPlan(cfg));
    expect(Object.values(first).flat()).toContain('dropped');
    expect(Object.values(first).flat()).not.toContain('created');
    const databases = (await c.execute<{ name: string }>('SHOW DATABASES')).map((r) => r.name);
    expect(databases).not.toContain(o.api.database.toUpperCase());
    expect(databases).not.toContain(o.recommender.database.toUpperCase());
    const roles = (await c.execute<{ name: string }>('SHOW ROLES')).map((r) => r.name);
    expect(roles).not.toContain(o.apiRole.toUpperCase());

    const second = await runPlan(teardownPlan(cfg));
    expect(Object.values(second).flat()).not.toContain('dropped');
  });
});
