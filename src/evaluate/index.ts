// papi evaluate: a hold-out evaluation of papi's recommenders computed inside Snowflake. The data is
// loaded into papi evaluate's own database (never the recommender's tables or the published table),
// split per user by time (sql/evaluate/02-split.sql), each algorithm's settings are chosen on a
// validation split carved from train the same way, then each algorithm is fitted on train and its top
// 10 scored against the held-out ratings (sql/evaluate/03-metrics.sql). The database is dropped at the end.
import type { ConnectedContext } from '../context.js';
import { ALGORITHMS, algorithmStatements, configuredSettings, PURESVD_PROCEDURE, RECOMMENDER_ALGORITHMS, type AlgorithmSettings, type RecommenderAlgorithm } from '../recommend/algorithms.js';
import { step, userIdType } from '../snowflake/plan.js';
import { runStatement, type StatementRunner } from '../snowflake/runner.js';
import { fileUrl, identifier, integer, keyword, pathSegment, qualified, renderValue, WAREHOUSE_SIZES, type TemplateValue } from '../snowflake/template.js';
import { UsageError } from '../ui/errors.js';

/** The rows papi evaluate can show: the tutorial notebook's recommender (the reference) and papi's algorithms. */
export const EVALUATED = ['notebook', ...RECOMMENDER_ALGORITHMS] as const;
export type Evaluated = (typeof EVALUATED)[number];

/** The notebook: user-knn with 9 other users (its 10 nearest rows include the user). */
const NOTEBOOK: AlgorithmSettings = { neighbors: 9, halfLife: 0, factors: 0, iterations: 0 };
/** Titles per user that are scored: metrics @10. */
export const K = 10;
export const DATABASE = 'PAPI_EVALUATE';
const SCHEMA = 'HOLDOUT';

export interface EvaluateOptions {
  /** As papi setup's --data; default: data.source. */
  data?: string;
  /** Rows to compute (the notebook's is always computed: it is the reference). */
  algorithms?: string[];
}

export interface Metrics {
  ndcg: number;
  recall: number;
  precision: number;
  map: number;
  coverage: number;
}

export interface EvaluatedRow {
  algorithm: Evaluated;
  description: string;
  /** The settings used; chosen on the validation split where the algorithm has any to choose. */
  parameters: Record<string, number>;
  /** Validation NDCG@10 of each candidate, when there was a choice. */
  validation?: Array<{ parameters: Record<string, number>; ndcg: number }>;
  metrics: Metrics;
  /** Wall time of the statement(s) that fit the model and rank every test user's titles. */
  fitMs: number;
  /** Relative change of each metric against the notebook's row (0.1 = +10 %). */
  change: Metrics;
  /** The algorithm `papi setup` runs with this papi.yaml. */
  configured: boolean;
}

export interface EvaluateResult {
  source: string;
  protocol: { testShare: number; minRatings: number; k: number; ordering: string; relevance: string };
  split: { users: number; testUsers: number; trainRatings: number; testRatings: number };
  reference: 'notebook';
  rows: EvaluatedRow[];
  ms: number;
}

export function parseAlgorithms(list: string[] | undefined): Evaluated[] {
  if (!list || list.length === 0) return [...EVALUATED];
  const names = list.flatMap((item) => item.split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(EVALUATED as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new UsageError(`--algorithms: unknown ${unknown.map((n) => JSON.stringify(n)).join(', ')}`, { hint: `Use a comma-separated list of: ${EVALUATED.join(', ')}.` });
  // The reference row comes first, always.
  return ['notebook', ...EVALUATED.filter((e) => e !== 'notebook' && names.includes(e))];
}

/** The evaluation's objects, in its own database. */
function evaluationNames() {
  const table = (name: string) => qualified([DATABASE, SCHEMA, name]);
  return {
    database: identifier(DATABASE),
    schema: qualified([DATABASE, SCHEMA]),
    stage: qualified([DATABASE, SCHEMA, 'FILES']),
    ratings: table('USER_RATINGS'),
    titles: table('TITLE'),
    users: table('USER'),
    recommendations: table('MOVIE_RECOMMENDATIONS'),
    state: table('PAPI_STATE'),
    ranked: table('RANKED'),
    train: table('TRAIN'),
    test: table('TEST'),
    testUsers: table('TEST_USERS'),
    validationTrain: table('VALIDATION_TRAIN'),
    validationTest: table('VALIDATION_TEST'),
    validationUsers: table('VALIDATION_USERS'),
    top: table('TOP'),
    procedure: table(PURESVD_PROCEDURE),
  };
}
type Names = ReturnType<typeof evaluationNames>;

export async function evaluate(ctx: ConnectedContext, options: EvaluateOptions): Promise<EvaluateResult> {
  const rows = parseAlgorithms(options.algorithms);
  const config = await ctx.config();
  const data = await import('../data/index.js');
  const { resolveNames } = await import('../snowflake/plan.js');
  const { platformOf } = await import('../snowflake/platform.js');
  const target = await ctx.target();
  const started = performance.now();
  const conn = await ctx.connection();
  const papiLocal = target.kind === 'local' || (await platformOf(conn)).papiLocal;
  const source = data.resolveDataSource(options.data ?? config.data.source, papiLocal ? 'local' : 'snowflake');
  const prepared = await ctx.out.task('Prepare data', () => data.prepareData(source, { cacheDir: data.cacheDirFromEnv(ctx.env), signal: ctx.signal, cwd: ctx.cwd, idFormat: config.service.idFormat, sampleSize: config.data.sampleSize }), (p) => p.source);
  const debug = (message: string) => ctx.out.debug(message);
  const run = async (statements: Array<{ sql: string; source: string }>) => {
    for (const statement of statements) await runStatement(conn, statement, debug);
  };
  const names = evaluationNames();
  const papiNames = resolveNames(config.snowflake);
  const idType = userIdType(config);
  try {
    await ctx.out.task('Create the evaluation database', async () => {
      // papi's warehouse, as setup creates it (an evaluation may come before the first setup).
      await run(step('warehouse', '', 'objects', 'setup/02-warehouse.sql', { warehouse: papiNames.warehouse, warehouse_size: keyword(config.snowflake.warehouse.size, WAREHOUSE_SIZES, 'snowflake.warehouse.size') }).statements);
      await run(step('use', '', 'objects', 'setup/use-warehouse.sql', { warehouse: papiNames.warehouse }).statements);
      await run(step('database', '', 'objects', 'evaluate/01-database.sql', { database: names.database, schema: names.schema }).statements);
      await run(step('stage', '', 'objects', 'setup/04-stage.sql', { stage: names.stage }).statements);
      await run(
        step('tables', '', 'objects', 'setup/05-tables.sql', {
          user_id_type: idType,
          user_table: names.users,
          ratings_table: names.ratings,
          titles_table: names.titles,
          recommendations_table: names.recommendations,
          state_table: names.state,
        }).statements,
      );
      return DATABASE;
    }, (d) => d);
    await ctx.out.task('Load the data', async () => {
      for (const kind of ['ratings', 'titles', 'users'] as const) {
        await run(step('put', '', 'data', 'data/put.sql', { file: fileUrl(await data.gzipForUpload(prepared.files[kind])), stage: names.stage, folder: pathSegment(kind) }).statements);
        const template = { ratings: 'data/01-ratings.sql', titles: 'data/02-titles.sql', users: 'data/03-users.sql' }[kind];
        const table: Record<string, TemplateValue> = {
          ratings: { ratings_table: names.ratings, user_id_type: idType },
          titles: { titles_table: names.titles },
          users: { user_table: names.users, user_id_type: idType },
        }[kind];
        await run(step('load', '', 'data', template, { load_table: qualified([DATABASE, SCHEMA, `${kind.toUpperCase()}_LOAD`]), stage: names.stage, ...table }).statements);
      }
    });
    await ctx.out.task('Split by time (test: each user\'s last 20 %; validation: the same within train)', async () => {
      await run(splitStatements(names, names.ratings, names.train, names.test, names.testUsers));
      await run(splitStatements(names, names.train, names.validationTrain, names.validationTest, names.validationUsers));
    });
    const split = await splitCounts(conn, names);

    const computed: Array<Omit<EvaluatedRow, 'change'>> = [];
    for (const row of rows) {
      const algorithm: RecommenderAlgorithm = row === 'notebook' ? 'user-knn' : row;
      const info = ALGORITHMS[algorithm];
      const evaluated = await ctx.out.task(
        `Evaluate ${row}`,
        async () => {
          let settings: AlgorithmSettings = row === 'notebook' ? NOTEBOOK : configuredSettings(config);
          let validation: EvaluatedRow['validation'];
          if (row !== 'notebook' && info.grid.length > 0) {
            validation = [];
            let best = -1;
            for (const candidate of info.grid) {
              const tried = { ...settings, ...candidate };
              await run(algorithmStatements(algorithm, tried, K, { ratings: names.validationTrain, titles: names.titles, users: names.validationUsers, top: names.top, procedure: names.procedure }));
              const { ndcg } = await metrics(conn, names, names.validationTest);
              validation.push({ parameters: info.parameters(tried), ndcg });
              if (ndcg > best) [best, settings] = [ndcg, tried];
            }
          }
          const fitStarted = performance.now();
          await run(algorithmStatements(algorithm, settings, K, { ratings: names.train, titles: names.titles, users: names.testUsers, top: names.top, procedure: names.procedure }));
          const fitMs = Math.round(performance.now() - fitStarted);
          return {
            algorithm: row,
            description: row === 'notebook' ? "the tutorial notebook's recommender: user-knn with 9 other users" : info.description,
            parameters: info.parameters(settings),
            ...(validation ? { validation } : {}),
            metrics: await metrics(conn, names, names.test),
            fitMs,
            configured: row !== 'notebook' && row === config.recommender.algorithm,
          };
        },
        (r) => `NDCG@${K} ${r.metrics.ndcg.toFixed(3)}`,
      );
      computed.push(evaluated);
    }
    const reference = computed[0]!.metrics;
    return {
      source: prepared.source,
      protocol: {
        testShare: 0.2,
        minRatings: 5,
        k: K,
        ordering: 'TIMESTAMP, ITEM_ID',
        relevance: 'every held-out rating, whatever its value',
      },
      split,
      reference: 'notebook',
      rows: computed.map((r) => ({ ...r, change: changeAgainst(r.metrics, reference) })),
      ms: Math.round(performance.now() - started),
    };
  } finally {
    await run(step('drop', '', 'teardown', 'evaluate/04-drop.sql', { database: names.database }).statements).catch((error: unknown) =>
      ctx.out.warn(`Could not drop the evaluation database ${DATABASE}: ${error instanceof Error ? error.message : String(error)}`),
    );
    await prepared.remove();
  }
}

function splitStatements(names: Names, ratings: TemplateValue, train: TemplateValue, test: TemplateValue, testUsers: TemplateValue) {
  return step('split', '', 'data', 'evaluate/02-split.sql', {
    ranked_table: names.ranked,
    ratings_table: ratings,
    train_table: train,
    test_table: test,
    test_users: testUsers,
  }).statements;
}

async function metrics(conn: StatementRunner, names: Names, test: TemplateValue): Promise<Metrics> {
  const [statement] = step('metrics', '', 'data', 'evaluate/03-metrics.sql', { top_table: names.top, test_table: test, titles_table: names.titles, k: integer(K) }).statements;
  const [row] = await runStatement(conn, statement!);
  const value = (key: string) => Number(row?.[key] ?? 0);
  return { ndcg: value('NDCG'), recall: value('RECALL'), precision: value('PRECISION'), map: value('MAP'), coverage: value('COVERAGE') };
}

async function splitCounts(conn: StatementRunner, names: Names): Promise<EvaluateResult['split']> {
  const count = async (sql: string) => Number(Object.values((await conn.execute(sql))[0] ?? {})[0] ?? 0);
  const table = (t: TemplateValue) => renderValue('table', t);
  return {
    users: await count(`SELECT COUNT(DISTINCT USER_ID) FROM ${table(names.train)}`),
    testUsers: await count(`SELECT COUNT(*) FROM ${table(names.testUsers)}`),
    trainRatings: await count(`SELECT COUNT(*) FROM ${table(names.train)}`),
    testRatings: await count(`SELECT COUNT(*) FROM ${table(names.test)}`),
  };
}

function changeAgainst(m: Metrics, reference: Metrics): Metrics {
  const change = (a: number, b: number) => (b === 0 ? 0 : a / b - 1);
  return {
    ndcg: change(m.ndcg, reference.ndcg),
    recall: change(m.recall, reference.recall),
    precision: change(m.precision, reference.precision),
    map: change(m.map, reference.map),
    coverage: change(m.coverage, reference.coverage),
  };
}
