import { describe, expect, it } from 'vitest';
import { DEFAULT_OBJECTS, DEFAULTS } from '../config/defaults.js';
import type { ObjectNames, PapiConfig } from '../config/types.js';
import { ConfigError } from '../ui/errors.js';
import { formatPlan, setupPlan, teardownPlan, type PlanStep } from './plan.js';
import { splitStatements } from './splitter.js';

function configWith(objects: Partial<ObjectNames> = {}, recommender: Partial<PapiConfig['recommender']> = {}): PapiConfig {
  return {
    version: 1,
    target: 'local',
    connection: {},
    snowflake: { ...structuredClone(DEFAULT_OBJECTS), ...structuredClone(objects) },
    data: { ...DEFAULTS.data },
    recommender: { ...DEFAULTS.recommender, ...recommender },
    service: structuredClone(DEFAULTS.service),
    local: { ...DEFAULTS.local },
    projectDir: '.',
  };
}

const RENAMED: ObjectNames = {
  adminRole: 'PAPI_ADMIN',
  apiRole: 'PAPI_READER',
  warehouse: { name: 'PAPI_WH', size: 'SMALL' },
  recommender: { database: 'RECO_DB', schema: 'RECO', stage: 'UPLOADS' },
  api: { database: 'SERVING', schema: 'PUBLISHED', table: 'RECS', tableType: 'hybrid' },
  imageRepository: 'IMAGES',
  computePool: { name: 'PAPI_POOL', instanceFamily: 'CPU_X64_S', minNodes: 2, maxNodes: 3 },
  service: { name: 'RECS_API', user: 'RECS_CALLER', minInstances: 1, maxInstances: 1 },
};

const allSql = (steps: PlanStep[]) => steps.flatMap((s) => s.statements.map((st) => st.sql));
/** The SQL without string literals (COMMENT = '…' text), where object names would be identifiers. */
const identifiersOf = (steps: PlanStep[]) => allSql(steps).join('\n').replace(/'(?:[^']|'')*'/g, "''");
const word = (name: string) => new RegExp(`(?<![A-Za-z0-9_$])${name.replace(/\$/g, '\\$')}(?![A-Za-z0-9_$])`);

function objectNames(o: ObjectNames): string[] {
  return [
    o.adminRole,
    o.apiRole,
    o.warehouse.name,
    o.recommender.database,
    o.recommender.schema,
    o.recommender.stage,
    o.api.database,
    o.api.schema,
    o.api.table,
    o.imageRepository,
    o.computePool.name,
    o.service.user,
  ];
}

describe('setupPlan', () => {
  it('orders the steps: objects, data, recommendations, publish', () => {
    expect(setupPlan(configWith()).map((s) => s.id)).toEqual([
      'roles',
      'warehouse',
      'databases',
      'stage',
      'tables',
      'grants',
      'image-repository',
      'compute-pool',
      'service-user',
      'clear-stage',
      'load-ratings',
      'load-titles',
      'load-users',
      'recommend',
      'publish',
      'schedule-off',
    ]);
  });

  it('renders every statement fully, one statement each, with its source line', () => {
    for (const step of setupPlan(configWith())) {
      expect(step.statements.length).toBeGreaterThan(0);
      for (const statement of step.statements) {
        expect(statement.sql).not.toMatch(/<%|%>/);
        expect(splitStatements(statement.sql).map((s) => s.text)).toEqual([statement.sql]);
        expect(statement.source).toMatch(/^(setup|data|recommend|publish|schedule)\/[a-z0-9-]+\.sql:\d+$/);
      }
    }
  });

  it("uses the tutorial's names by default", () => {
    const sql = allSql(setupPlan(configWith())).join('\n');
    expect(sql).toContain('CREATE ROLE IF NOT EXISTS ML_MODEL_ROLE');
    expect(sql).toContain('CREATE WAREHOUSE IF NOT EXISTS DATA_API_WH');
    expect(sql).toContain('CREATE SCHEMA IF NOT EXISTS MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA');
    expect(sql).toContain('CREATE STAGE IF NOT EXISTS MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.FILE_STAGE');
    expect(sql).toContain('MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA."USER"');
    expect(sql).toContain('CREATE OR REPLACE HYBRID TABLE API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_NEXT');
    expect(sql).toContain('ALTER TABLE API.DATA.HYBRID_MOVIE_RECOMMENDATIONS SWAP WITH API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_NEXT');
    expect(sql).toContain('CREATE USER IF NOT EXISTS SVC_DATA_API');
    expect(sql).toContain('INSTANCE_FAMILY = CPU_X64_XS');
  });

  it('is idempotent by construction: every CREATE is IF NOT EXISTS unless it replaces on purpose', () => {
    for (const sql of allSql(setupPlan(configWith())).filter((s) => /^CREATE\b/.test(s))) {
      if (/^CREATE OR REPLACE\b/.test(sql)) expect(sql).toMatch(/^CREATE OR REPLACE (TRANSIENT |HYBRID )?TABLE /);
      else expect(sql).toMatch(/^CREATE (\w+ )+IF NOT EXISTS /);
    }
  });

  it('gives the API role least privilege: no ALL, no OWNERSHIP, SELECT only on the published table', () => {
    const grants = allSql(setupPlan(configWith())).filter((s) => s.startsWith('GRANT'));
    for (const grant of grants) expect(grant).not.toMatch(/\b(ALL|OWNERSHIP)\b/);
    const toApi = grants.filter((g) => g.endsWith('TO ROLE DATA_API_ROLE'));
    expect(toApi).toContain('GRANT USAGE ON WAREHOUSE DATA_API_WH TO ROLE DATA_API_ROLE');
    expect(toApi).toContain('GRANT USAGE ON DATABASE API TO ROLE DATA_API_ROLE');
    expect(toApi).toContain('GRANT USAGE ON SCHEMA API.DATA TO ROLE DATA_API_ROLE');
    expect(toApi).toContain('GRANT SELECT ON TABLE API.DATA.HYBRID_MOVIE_RECOMMENDATIONS TO ROLE DATA_API_ROLE');
    expect(toApi.filter((g) => /\b(INSERT|UPDATE|DELETE|TRUNCATE|WRITE)\b/.test(g))).toEqual([]);
    expect(toApi.filter((g) => /ON TABLE/.test(g) && !/HYBRID_MOVIE_RECOMMENDATIONS(_NEXT)?\b/.test(g))).toEqual([]);
  });

  it('uses the new names in every statement and none of the old ones when objects are renamed', () => {
    const sql = identifiersOf(setupPlan(configWith(RENAMED)));
    for (const old of objectNames(DEFAULT_OBJECTS)) expect(sql, old).not.toMatch(word(old));
    expect(sql).not.toContain('XSMALL');
    expect(sql).not.toContain('CPU_X64_XS');
    for (const name of objectNames(RENAMED)) expect(sql, name).toMatch(word(name));
    expect(sql).toContain('WAREHOUSE_SIZE = SMALL');
    expect(sql).toContain('MIN_NODES = 2');
    expect(sql).toContain('MAX_NODES = 3');
    expect(sql).toContain('INSTANCE_FAMILY = CPU_X64_S');
    expect(sql).toContain('ALTER TABLE SERVING.PUBLISHED.RECS SWAP WITH SERVING.PUBLISHED.RECS_NEXT');
    expect(sql).toContain('FROM @RECO_DB.RECO.UPLOADS/ratings/');
  });

  it('takes neighbours and top-N from the config as integers', () => {
    const recommend = setupPlan(configWith({}, { algorithm: 'user-knn', neighbors: 7, topN: 3 }), { only: 'recommend' });
    expect(recommend).toHaveLength(1);
    const sql = recommend[0]!.statements[0]!.sql;
    expect(sql).toContain('ORDER BY SIMILARITY DESC, OTHER_ID) <= 7');
    expect(sql).toContain('ROW_NUMBER() OVER (ORDER BY USER_ID) <= 8');
    expect(sql).toContain('QUALIFY ITEM_RANK <= 3');
    expect(() => setupPlan(configWith({}, { algorithm: 'user-knn', neighbors: 0, topN: 3 }))).toThrow(/recommender\.neighbors/);
    expect(() => setupPlan(configWith({}, { neighbors: 5, topN: 2.5 }))).toThrow(/recommender\.topN/);
  });

  it('computes the configured algorithm into a work table, then the published rows from it', () => {
    for (const algorithm of ['item-knn', 'user-knn', 'popularity'] as const) {
      const [recommend] = setupPlan(configWith({}, { algorithm }), { only: 'recommend' });
      expect(recommend!.title).toBe(`Compute recommendations (${algorithm})`);
      const [compute, publishable] = recommend!.statements;
      expect(compute!.source).toBe(`recommend/${algorithm}.sql:${compute!.source.split(':')[1]}`);
      expect(compute!.sql).toContain('CREATE OR REPLACE TRANSIENT TABLE MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.MOVIE_RECOMMENDATIONS_TOP AS');
      expect(publishable!.sql).toContain('CREATE OR REPLACE TABLE MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.MOVIE_RECOMMENDATIONS AS');
    }
    const [itemKnn] = setupPlan(configWith({}, { algorithm: 'item-knn', halfLife: 4 }), { only: 'recommend' });
    expect(itemKnn!.statements[0]!.sql).toContain('AGE / NULLIF(4, 0)');
    expect(itemKnn!.statements[0]!.sql).toContain('AGE < 12'); // three half-lives
    expect(() => setupPlan(configWith({}, { algorithm: 'item-knn', halfLife: -1 }))).toThrow(/recommender\.halfLife/);
  });

  it('publishes into a standard table with --table-type standard', () => {
    const [publish] = setupPlan(configWith(), { only: 'publish', tableType: 'standard' });
    const sql = publish!.statements.map((s) => s.sql).join('\n');
    expect(sql).not.toMatch(/HYBRID TABLE/);
    expect(sql).toContain('CREATE OR REPLACE TABLE API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_NEXT');
    expect(sql).toContain('SWAP WITH');
    const fromConfig = setupPlan(configWith({ api: { ...DEFAULT_OBJECTS.api, tableType: 'standard' } }), { only: 'publish' });
    expect(fromConfig[0]!.title).toContain('standard');
  });

  it('grants SELECT on the new table before swapping it in, and drops the old one after', () => {
    const [publish] = setupPlan(configWith(), { only: 'publish' });
    const sql = publish!.statements.map((s) => s.sql);
    const grantNext = sql.findIndex((s) => s.startsWith('GRANT SELECT ON TABLE API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_NEXT'));
    const swap = sql.findIndex((s) => s.includes('SWAP WITH'));
    const drop = sql.findIndex((s) => s.startsWith('DROP TABLE IF EXISTS API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_NEXT'));
    expect(grantNext).toBeGreaterThanOrEqual(0);
    expect(grantNext).toBeLessThan(swap);
    expect(swap).toBeLessThan(drop);
  });

  it('loads data through a transient table, replacing the target in one statement', () => {
    const steps = setupPlan(configWith(), { only: 'data' });
    expect(steps.map((s) => s.id)).toEqual(['clear-stage', 'load-ratings', 'load-titles', 'load-users']);
    expect(steps[0]!.statements.map((s) => s.sql)).toEqual([
      'REMOVE @MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.FILE_STAGE/ratings/',
      'REMOVE @MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.FILE_STAGE/titles/',
      'REMOVE @MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.FILE_STAGE/users/',
    ]);
    const ratings = steps[1]!.statements.map((s) => s.sql);
    expect(ratings[0]).toMatch(/^CREATE OR REPLACE TRANSIENT TABLE \S+USER_RATINGS_LOAD/);
    expect(ratings[1]).toMatch(/^COPY INTO \S+USER_RATINGS_LOAD\s/);
    expect(ratings[1]).toContain('PARSE_HEADER = TRUE');
    expect(ratings[1]).toContain('MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE');
    expect(ratings[1]).toContain('ON_ERROR = ABORT_STATEMENT');
    expect(ratings[2]).toMatch(/^INSERT OVERWRITE INTO \S+\.USER_RATINGS /);
    expect(ratings[3]).toMatch(/^DROP TABLE IF EXISTS \S+USER_RATINGS_LOAD$/);
    expect(steps[1]!.upload).toEqual({ data: 'ratings', location: '@MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.FILE_STAGE/ratings/' });
    expect(steps[2]!.upload).toEqual({ data: 'titles', location: '@MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.FILE_STAGE/titles/' });
    expect(steps[3]!.upload).toEqual({ data: 'users', location: '@MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.FILE_STAGE/users/' });
    expect(steps[3]!.statements.map((s) => s.sql.split('\n')[0])).toEqual([
      'CREATE OR REPLACE TRANSIENT TABLE MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.USER_LOAD (',
      'COPY INTO MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.USER_LOAD',
      'INSERT OVERWRITE INTO MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA."USER" (ID)',
      'DROP TABLE IF EXISTS MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.USER_LOAD',
    ]);
    // Every COPY reads the folder the step uploads to.
    for (const s of steps.filter((s) => s.upload)) expect(s.statements[1]!.sql).toContain(`FROM ${s.upload!.location}\n`);
  });

  it('--skip-data keeps the objects only; --only picks one phase', () => {
    expect(setupPlan(configWith(), { skipData: true }).every((s) => s.phase === 'objects')).toBe(true);
    expect(setupPlan(configWith(), { skipData: true })).toHaveLength(9);
    expect(setupPlan(configWith(), { only: 'objects' })).toHaveLength(9);
    expect(() => setupPlan(configWith(), { only: 'everything' as never })).toThrow(ConfigError);
  });

  it('rejects bad names and values from the config before anything runs', () => {
    expect(() => setupPlan(configWith({ adminRole: 'X; DROP DATABASE Y' }))).toThrow(ConfigError);
    expect(() => setupPlan(configWith({ api: { ...DEFAULT_OBJECTS.api, table: 'T"; DROP TABLE X; --' } }))).toThrow(/snowflake\.api\.table/);
    expect(() => setupPlan(configWith({ warehouse: { name: 'WH', size: 'XSMALL; DROP' } }))).toThrow(/snowflake\.warehouse\.size/);
    expect(() =>
      setupPlan(configWith({ computePool: { ...DEFAULT_OBJECTS.computePool, minNodes: 3, maxNodes: 2 } })),
    ).toThrow(/snowflake\.computePool\.maxNodes/);
    expect(() => setupPlan(configWith({ computePool: { ...DEFAULT_OBJECTS.computePool, instanceFamily: 'BIG' } }))).toThrow(
      /instanceFamily/,
    );
  });
});

describe('the schedule phase', () => {
  const scheduled = (schedule: string) => configWith({}, { ...DEFAULTS.recommender, schedule } as typeof DEFAULTS.recommender);

  it("builds the task's body from the recommend and publish steps' own statements, in order", () => {
    const steps = setupPlan(scheduled('60 minutes'));
    const task = steps.find((s) => s.id === 'schedule')!;
    expect(task.title).toBe('Schedule the refresh every 60 minutes');
    expect(task.statements.map((s) => s.sql.split('\n')[0])).toEqual([
      'CREATE OR REPLACE TASK MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.REFRESH_RECOMMENDATIONS',
      'ALTER TASK MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.REFRESH_RECOMMENDATIONS RESUME',
    ]);
    const create = task.statements[0]!.sql;
    expect(create).toContain("WAREHOUSE = DATA_API_WH\n  SCHEDULE = '60 MINUTE'");
    const body = create.slice(create.indexOf('$$\nBEGIN\n') + 9, create.lastIndexOf('END;\n$$'));
    const expected = steps.filter((s) => s.phase === 'recommend' || s.phase === 'publish').flatMap((s) => s.statements.map((st) => `${st.sql};\n`));
    expect(body).toBe(expected.join(''));
    // Whatever else is asked for, the schedule phase is last and opens with USE WAREHOUSE.
    expect(steps.at(-1)!.before?.[0]!.sql).toBe('USE WAREHOUSE DATA_API_WH');
    expect(setupPlan(scheduled('2 hours')).find((s) => s.id === 'schedule')!.statements[0]!.sql).toContain("SCHEDULE = '120 MINUTE'");
    expect(setupPlan(scheduled('30m'), { only: 'schedule' }).map((s) => s.id)).toEqual(['schedule']);
  });

  it('without a schedule drops the task; a period that is not one is a configuration error', () => {
    expect(setupPlan(configWith()).at(-1)!.statements.map((s) => s.sql)).toEqual(['DROP TASK IF EXISTS MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.REFRESH_RECOMMENDATIONS']);
    for (const bad of ['hourly', '0 minutes', '9 days', '60 seconds', "1 minute'; DROP TABLE x; --"])
      expect(() => setupPlan(scheduled(bad)), bad).toThrow(ConfigError);
  });
});

describe('teardownPlan', () => {
  it('drops in reverse order, everything IF EXISTS', () => {
    const steps = teardownPlan(configWith());
    expect(steps.map((s) => s.id)).toEqual([
      'task',
      'service',
      'compute-pool',
      'image-repository',
      'published-table',
      'api-database',
      'recommender-database',
      'service-user',
      'roles',
      'warehouse',
    ]);
    const sql = allSql(steps);
    for (const statement of sql) expect(statement).toMatch(/^DROP \w+( \w+)? IF EXISTS /);
    expect(sql).toEqual([
      'DROP TASK IF EXISTS MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.REFRESH_RECOMMENDATIONS',
      'DROP SERVICE IF EXISTS API.DATA.API',
      'DROP COMPUTE POOL IF EXISTS API',
      'DROP IMAGE REPOSITORY IF EXISTS API.DATA.API',
      'DROP TABLE IF EXISTS API.DATA.HYBRID_MOVIE_RECOMMENDATIONS',
      'DROP TABLE IF EXISTS API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_NEXT',
      'DROP TABLE IF EXISTS API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_V1',
      'DROP TABLE IF EXISTS API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_V2',
      'DROP DATABASE IF EXISTS API',
      'DROP DATABASE IF EXISTS MOVIE_RECOMMENDER_DB',
      'DROP USER IF EXISTS SVC_DATA_API',
      'DROP ROLE IF EXISTS DATA_API_ROLE',
      'DROP ROLE IF EXISTS ML_MODEL_ROLE',
      'DROP WAREHOUSE IF EXISTS DATA_API_WH',
    ]);
  });

  it('names the objects it drops in its titles (the confirmation lists them)', () => {
    expect(teardownPlan(configWith()).map((s) => s.title)).toEqual([
      'Drop task MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.REFRESH_RECOMMENDATIONS',
      'Drop service API.DATA.API',
      'Drop compute pool API',
      'Drop image repository API.DATA.API',
      'Drop published table API.DATA.HYBRID_MOVIE_RECOMMENDATIONS',
      'Drop API database API',
      'Drop recommender database MOVIE_RECOMMENDER_DB',
      'Drop service user SVC_DATA_API',
      'Drop roles DATA_API_ROLE and ML_MODEL_ROLE',
      'Drop warehouse DATA_API_WH',
    ]);
  });

  it('drops a published view (a publish through versioned tables) with DROP VIEW, and its versions', () => {
    const step = teardownPlan(configWith(), { publishedAsView: true }).find((s) => s.id === 'published-table')!;
    expect(step.title).toBe('Drop published view API.DATA.HYBRID_MOVIE_RECOMMENDATIONS and its tables');
    expect(step.statements.map((s) => s.sql)).toEqual([
      'DROP VIEW IF EXISTS API.DATA.HYBRID_MOVIE_RECOMMENDATIONS',
      'DROP TABLE IF EXISTS API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_V1',
      'DROP TABLE IF EXISTS API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_V2',
      'DROP TABLE IF EXISTS API.DATA.HYBRID_MOVIE_RECOMMENDATIONS_NEXT',
    ]);
  });

  it('--keep-data keeps the recommender database', () => {
    const sql = allSql(teardownPlan(configWith(), { keepData: true }));
    expect(sql).not.toContain('DROP DATABASE IF EXISTS MOVIE_RECOMMENDER_DB');
    expect(sql).toContain('DROP DATABASE IF EXISTS API');
    // puresvd's procedure is no data: it goes (without --keep-data, with its database).
    expect(sql).toContain('DROP PROCEDURE IF EXISTS MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.PAPI_PURESVD(VARCHAR, VARCHAR, VARCHAR, VARCHAR, FLOAT, FLOAT, FLOAT)');
    expect(allSql(teardownPlan(configWith())).filter((s) => s.startsWith('DROP PROCEDURE'))).toEqual([]);
  });

  it('--keep-data keeps a database the API objects share with the recommender', () => {
    const shared = configWith({ api: { ...DEFAULT_OBJECTS.api, database: 'movie_recommender_db' } });
    expect(allSql(teardownPlan(shared, { keepData: true })).filter((s) => s.startsWith('DROP DATABASE'))).toEqual([]);
    expect(allSql(teardownPlan(shared)).filter((s) => s.startsWith('DROP DATABASE'))).toEqual(['DROP DATABASE IF EXISTS MOVIE_RECOMMENDER_DB']);
  });

  it('uses the new names and none of the old ones when objects are renamed', () => {
    const sql = identifiersOf(teardownPlan(configWith(RENAMED)));
    for (const old of objectNames(DEFAULT_OBJECTS)) expect(sql, old).not.toMatch(word(old));
    expect(sql).toContain('DROP SERVICE IF EXISTS SERVING.PUBLISHED.RECS_API');
    expect(sql).toContain('DROP COMPUTE POOL IF EXISTS PAPI_POOL');
    expect(sql).toContain('DROP USER IF EXISTS RECS_CALLER');
  });
});

describe('formatPlan', () => {
  it('prints titles as comments and statements terminated with ;, which split back to the plan', () => {
    const steps = setupPlan(configWith());
    const text = formatPlan(steps, 'header');
    expect(text.startsWith('-- header\n')).toBe(true);
    expect(text).toContain('-- 1. Create roles [roles]');
    expect(splitStatements(text).map((s) => s.text)).toEqual(steps.flatMap((s) => [...(s.before ?? []), ...s.statements].map((st) => st.sql)));
  });

  it('opens the data, recommend and publish phases with USE WAREHOUSE, also when one phase runs alone', () => {
    const steps = setupPlan(configWith());
    const openers = steps.filter((s) => s.before).map((s) => [s.phase, s.before!.map((st) => st.sql)]);
    expect(openers).toEqual(['data', 'recommend', 'publish', 'schedule'].map((phase) => [phase, ['USE WAREHOUSE DATA_API_WH']]));
    expect(setupPlan(configWith(), { only: 'publish' })[0]!.before?.[0]?.sql).toBe('USE WAREHOUSE DATA_API_WH');
    // The objects phase sets it right after creating it (CREATE … IF NOT EXISTS does not when it exists).
    expect(steps.find((s) => s.id === 'warehouse')!.statements.at(-1)!.sql).toBe('USE WAREHOUSE DATA_API_WH');
  });

  it('shows binds as a comment', () => {
    const text = formatPlan([{ id: 'x', title: 'X', phase: 'data', statements: [{ sql: 'SELECT ?', binds: [1], source: 'x' }] }]);
    expect(text).toBe('-- 1. X [x]\n-- binds: [1]\nSELECT ?;\n');
  });
});

describe('user id columns follow service.idFormat', () => {
  const userIdColumns = (steps: PlanStep[]) =>
    allSql(steps)
      .join('\n')
      .match(/\b(?:USER_ID|ID) (?:NUMBER\(38,0\)|VARCHAR\(64\))/g) ?? [];

  it('integer (the default): NUMBER(38,0) everywhere, as before', () => {
    for (const tableType of ['hybrid', 'standard'] as const) {
      const columns = userIdColumns(setupPlan(configWith(), { tableType }));
      expect(columns.length).toBeGreaterThanOrEqual(7);
      expect(columns.every((c) => c.endsWith('NUMBER(38,0)'))).toBe(true);
    }
  });

  it('alphanumeric: VARCHAR(64) in the tables, the loads and the published table; item ids stay numbers', () => {
    const config = { ...configWith(), service: { ...configWith().service, idFormat: 'alphanumeric' as const } };
    for (const tableType of ['hybrid', 'standard'] as const) {
      const steps = setupPlan(config, { tableType });
      const columns = userIdColumns(steps);
      expect(columns.length).toBeGreaterThanOrEqual(7);
      expect(columns.every((c) => c.endsWith('VARCHAR(64)'))).toBe(true);
      // The recommend step's tables take their column types from the tables it reads (CREATE … AS SELECT).
      for (const id of ['tables', 'load-ratings', 'load-users', 'publish'])
        expect(steps.find((s) => s.id === id)!.statements.some((st) => st.sql.includes('VARCHAR(64)')), id).toBe(true);
      expect(allSql(steps).join('\n')).toMatch(/ITEM_ID NUMBER\(38,0\)/);
      if (tableType === 'hybrid') expect(allSql(steps).join('\n')).toMatch(/USER_ID VARCHAR\(64\) PRIMARY KEY/);
    }
  });
});

describe('setupPlan with data.source: tables', () => {
  const fromTables = (data: Partial<PapiConfig['data']>): PapiConfig => ({ ...configWith(), data: { ...DEFAULTS.data, source: 'tables', ...data } });
  const shop = { ratings: 'SHOP.CRM.REVIEWS', titles: 'shop.crm.products', users: 'SHOP.CRM.CUSTOMERS' };

  it('creates views over the mapped columns instead of loading files, and none of the loaded tables', () => {
    const steps = setupPlan(fromTables({ tables: shop, columns: { ratings: { user: 'CUSTOMER_NO', item: 'SKU', rating: 'STARS' }, users: { user: 'CUSTOMER_NO' } } }));
    expect(steps.filter((s) => s.phase === 'data').map((s) => s.id)).toEqual(['source-views']);
    expect(steps.some((s) => s.upload)).toBe(false);
    const sql = allSql(steps).join('\n');
    expect(sql).toContain('CREATE OR REPLACE VIEW MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA."USER" AS');
    expect(sql).toMatch(/CUSTOMER_NO::NUMBER\(38,0\) AS USER_ID,\s+SKU::NUMBER\(38,0\) AS ITEM_ID,\s+STARS::FLOAT AS RATING,\s+TO_TIMESTAMP_NTZ\(NULL\) AS TIMESTAMP\s+FROM SHOP\.CRM\.REVIEWS/);
    // Unmapped columns keep papi's names; names fold to upper case as Snowflake stores them.
    expect(sql).toMatch(/ITEM_ID::NUMBER\(38,0\) AS ITEM_ID, TITLE::VARCHAR AS TITLE\s+FROM SHOP\.CRM\.PRODUCTS/);
    expect(sql).not.toMatch(/CREATE TABLE IF NOT EXISTS \S*(USER_RATINGS|TITLE|"USER") /);
    expect(sql).not.toMatch(/ON TABLE \S*(USER_RATINGS|TITLE|"USER") /);
  });

  it('refuses a missing table, a name that is not DB.SCHEMA.TABLE, and a column that is not a plain name', () => {
    expect(() => setupPlan(fromTables({ tables: { ratings: shop.ratings, titles: shop.titles } }))).toThrow(/data\.tables\.users is not set/);
    expect(() => setupPlan(fromTables({ tables: { ...shop, ratings: 'CRM.REVIEWS' } }))).toThrow(/data\.tables\.ratings: "CRM\.REVIEWS" is not a fully qualified name/);
    expect(() => setupPlan(fromTables({ tables: shop, columns: { titles: { title: 'NAME; DROP TABLE X' } } }))).toThrow(ConfigError);
    expect(() => setupPlan(fromTables({ tables: shop, columns: { titles: { title: 'NAME; DROP TABLE X' } } }))).toThrow(/data\.columns\.titles\.title/);
  });
});
