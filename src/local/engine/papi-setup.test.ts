// papi's own SQL, rendered by setupPlan, run statement by statement as the admin user (the data
// phase reads small CSV files put in the stage the way the driver's PUT does).
import { generateKeyPairSync, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_OBJECTS, DEFAULTS } from '../../config/defaults.js';
import type { PapiConfig } from '../../config/types.js';
import { outcomeOf } from '../../snowflake/outcome.js';
import { resolveNames, setupPlan, step, teardownPlan, type PlanStep } from '../../snowflake/plan.js';
import { createServiceStatements, logsStatement, registerKeyStatement, showStatement } from '../../deploy/statements.js';
import { serviceSpec } from '../../deploy/service-spec.js';
import type { Bind } from './types.js';
import { failure, harness, run, session, type Harness } from './__tests__/harness.js';

const FILES: Record<string, string> = {
  ratings: 'USER_ID,ITEM_ID,RATING,TIMESTAMP\n1,10,5,881250949\n1,11,3,881250950\n2,10,4,881250951\n2,12,5,881250952\n3,11,2,881250953\n3,12,4,881250954\n',
  titles: 'ITEM_ID,TITLE\n10,"Toy Story (1995)"\n11,"GoldenEye, The (1995)"\n12,"Heat (1995)"\n',
  users: 'ID\n1\n2\n3\n',
};

function config(tableType: 'hybrid' | 'standard' = 'hybrid'): PapiConfig {
  const snowflake = structuredClone(DEFAULT_OBJECTS);
  snowflake.api.tableType = tableType;
  return {
    version: 1,
    target: 'local',
    connection: {},
    snowflake,
    data: { ...DEFAULTS.data },
    recommender: { ...DEFAULTS.recommender },
    service: structuredClone(DEFAULTS.service),
    local: { ...DEFAULTS.local },
    projectDir: '.',
  } as PapiConfig;
}

function binds(values: Array<string | number | boolean | null> | undefined): Bind[] {
  return (values ?? []).map((v) => ({ type: typeof v === 'number' ? 'FIXED' : typeof v === 'boolean' ? 'BOOLEAN' : 'TEXT', value: v === null ? null : String(v) }));
}

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

async function runPlan(steps: PlanStep[]): Promise<Record<string, string[]>> {
  const outcomes: Record<string, string[]> = {};
  for (const step of steps) {
    if (step.upload) {
      const put = await h.engine.execute(h.admin, `PUT 'file:///tmp/${step.upload.data}.csv' ${step.upload.location}`, []);
      if (put.kind !== 'fileTransfer') throw new Error('PUT must answer a file transfer');
      const location = (put.data.stageInfo as { location: string }).location;
      writeFileSync(join(location, `${step.upload.data}.csv`), FILES[step.upload.data] ?? '');
    }
    for (const statement of step.statements) {
      try {
        const rows = await run(h.engine, h.admin, statement.sql, binds(statement.binds));
        (outcomes[step.id] ??= []).push(outcomeOf(rows));
      } catch (error) {
        throw new Error(`${statement.source}: ${(error as Error).message}\n${statement.sql}`);
      }
    }
  }
  return outcomes;
}

describe("papi's setup and teardown SQL", () => {
  it('runs the whole setup plan twice: created, then unchanged', async () => {
    const first = await runPlan(setupPlan(config()));
    expect(first.roles).toContain('created');
    expect(first.tables?.every((o) => o === 'created')).toBe(true);
    const second = await runPlan(setupPlan(config()));
    for (const id of ['roles', 'warehouse', 'databases', 'stage', 'tables', 'image-repository', 'compute-pool', 'service-user'])
      expect(second[id]?.filter((o) => o === 'created'), id).toEqual([]);

    const o = DEFAULT_OBJECTS;
    const published = `${o.api.database}.${o.api.schema}.${o.api.table}`;
    const rows = await run(h.engine, h.admin, `SELECT USER_ID, RECOMMENDATIONS FROM ${published} ORDER BY USER_ID`);
    expect(rows.map((r) => r.USER_ID)).toEqual(['1', '2', '3']);
    const recs = JSON.parse(rows[0]!.RECOMMENDATIONS!) as Array<{ movie_id: number; movie_name: string; movie_score: string }>;
    // User 1 rated 10 and 11; the only movie left to recommend is 12.
    expect(recs.map((r) => r.movie_id)).toEqual([12]);
    expect(recs[0]!.movie_name).toBe('Heat (1995)');
    const kind = (await run(h.engine, h.admin, `SHOW TABLES LIKE '${o.api.table}' IN SCHEMA ${o.api.database}.${o.api.schema}`))[0];
    expect(kind?.is_hybrid).toBe('Y');

    // The API role reads the published table through the service user, and nothing else.
    const svc = session(o.service.user, o.apiRole, o.warehouse.name);
    const lookup = await run(h.engine, svc, `SELECT USER_ID FROM ${published} WHERE USER_ID IN (?, ?)`, [
      { type: 'FIXED', value: '2' },
      { type: 'FIXED', value: '3' },
    ]);
    expect(lookup.map((r) => r.USER_ID).sort()).toEqual(['2', '3']);
    const denied = await failure(h.engine, svc, `SELECT * FROM ${o.recommender.database}.${o.recommender.schema}.USER_RATINGS`);
    expect(denied.code).toBe('002003');

    const teardown = await runPlan(teardownPlan(config()));
    expect(Object.values(teardown).flat()).not.toContain('created');
  });

  it('refuses the hybrid publish in an account without hybrid tables, and publishes a standard table', async () => {
    await h.open({ refuseHybridTables: true });
    await expect(runPlan(setupPlan(config('hybrid')))).rejects.toThrow(/Unsupported feature 'HYBRID TABLE'/);
    await runPlan(setupPlan(config('standard')));
    const o = DEFAULT_OBJECTS;
    const rows = await run(h.engine, h.admin, `SELECT COUNT(*) AS N FROM ${o.api.database}.${o.api.schema}.${o.api.table}`);
    expect(rows[0]?.N).toBe('3');
  });

  it("runs papi's state, token and deploy SQL", async () => {
    const cfg = config();
    await runPlan(setupPlan(cfg, { skipData: true }));
    const names = resolveNames(cfg.snowflake);
    const [remove, insert] = step('w', 'w', 'objects', 'state/write.sql', { state_table: names.state }).statements;
    for (const value of ['one', 'two']) {
      await run(h.engine, h.admin, remove!.sql, binds(['data']));
      await run(h.engine, h.admin, insert!.sql, binds(['data', value]));
    }
    const [read] = step('r', 'r', 'objects', 'state/read.sql', { state_table: names.state }).statements;
    expect(await run(h.engine, h.admin, read!.sql)).toEqual([{ NAME: 'data', VALUE: 'two' }]);
    const [published] = step('p', 'p', 'objects', 'state/published-rows.sql', { table: names.table }).statements;
    expect((await failure(h.engine, h.admin, published!.sql)).code).toBe('002003');

    const der = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    await run(h.engine, h.admin, registerKeyStatement(cfg, 'RSA_PUBLIC_KEY_2', der.toString('base64')).sql);
    const described = Object.fromEntries((await run(h.engine, h.admin, `DESCRIBE USER ${cfg.snowflake.service.user}`)).map((r) => [r.property, r.value]));
    expect(described.RSA_PUBLIC_KEY_2_FP).toBe(`SHA256:${createHash('sha256').update(der).digest('base64')}`);
    expect(described.RSA_PUBLIC_KEY_FP).toBe('null');

    const [repo] = await run(h.engine, h.admin, showStatement(cfg, 'image-repositories').sql);
    expect(repo?.repository_url).toBe(`127.0.0.1/${cfg.snowflake.api.database}/${cfg.snowflake.api.schema}/${cfg.snowflake.imageRepository}`.toLowerCase());
    expect(await run(h.engine, h.admin, showStatement(cfg, 'services').sql)).toEqual([]);
    // Without an SPCS runtime, CREATE SERVICE fails clearly (after USE ROLE of the API role succeeded).
    const [useRole, create] = createServiceStatements(cfg, serviceSpec(cfg, `${repo!.repository_url}/papi:1`));
    await run(h.engine, h.admin, useRole!.sql);
    expect(h.admin.role).toBe(cfg.snowflake.apiRole);
    expect((await failure(h.engine, h.admin, create!.sql)).message).toMatch(/SPCS runtime/);
    const logs = logsStatement(cfg, '0', 'api', 10);
    expect((await failure(h.engine, h.admin, logs.sql, binds(logs.binds))).code).toBe('002003');
  });
});
