// papi setup: the objects (least privilege), the data, the recommendations computed in SQL inside
// Snowflake, and the published table. The plan comes from src/snowflake/plan.ts; phases.ts runs it.
import type { PapiConfig } from '../config/types.js';
import type { ConnectedContext, Context } from '../context.js';
import { projectPaths } from '../project.js';
import { setupPlan, type PlanStep, type SetupPhase } from '../snowflake/plan.js';
import { SnowflakeError } from '../ui/errors.js';
import type { StepReport } from './phases.js';

export interface SetupOptions {
  /** Run one phase only. */
  only?: SetupPhase;
  /** Objects only: no data, recommendations or publish. */
  skipData?: boolean;
  /** Redo the data, recommend and publish phases even when their input is unchanged. */
  force?: boolean;
}

export interface SetupPlan {
  target: 'local' | 'snowflake';
  tableType: 'hybrid' | 'standard';
  steps: PlanStep[];
  statements: number;
}

export interface SetupResult {
  target: 'local' | 'snowflake';
  /** For people: "papi local (http://…)" or the account. */
  targetDescription: string;
  tableType: 'hybrid' | 'standard';
  steps: StepReport[];
  ms: number;
  /** A new table was published while a service is deployed: it answers from its cache for up to this long. */
  cachedAnswers?: { service: string; ttlSeconds: number };
}

/** The ordered plan, without connecting (what --dry-run prints). */
export async function planSetup(ctx: Context, options: SetupOptions): Promise<SetupPlan> {
  const config = await ctx.config();
  const tableType = config.snowflake.api.tableType;
  const steps = setupPlan(config, { tableType, skipData: options.skipData, only: options.only });
  // A refresh the service's cache hides for a while: said, not changed (the TTL is the user's choice).
  if (steps.some((s) => s.id === 'schedule')) {
    const { cacheOutlivesRefresh } = await import('./schedule.js');
    const warning = cacheOutlivesRefresh(config);
    if (warning) ctx.out.warn(warning);
  }
  return { target: config.target, tableType, steps, statements: steps.reduce((n, s) => n + s.statements.length + (s.before?.length ?? 0), 0) };
}

export async function setup(ctx: ConnectedContext, options: SetupOptions): Promise<SetupResult> {
  const config = await ctx.config();
  const plan = await planSetup(ctx, options);
  // One setup at a time on a project: a second one waits for the first (never interleaves).
  const { withSetupLock } = await import('./lock.js');
  return withSetupLock(ctx, config, () => runLocked(ctx, options, config, plan));
}

async function runLocked(ctx: ConnectedContext, options: SetupOptions, config: PapiConfig, plan: SetupPlan): Promise<SetupResult> {
  const { runSetup } = await import('./phases.js');
  const data = await import('../data/index.js');
  const { readsTables, checkSourceTables } = await import('./source-tables.js');
  const loadsData = plan.steps.some((step) => step.phase === 'data');
  const checksTables = loadsData && readsTables(config);
  const loadsFiles = loadsData && !checksTables;
  const prepare = (source: string, sampleInWorker = false) =>
    data.prepareData(source, { cacheDir: data.cacheDirFromEnv(ctx.env), signal: ctx.signal, cwd: ctx.cwd, idFormat: config.service.idFormat, sampleSize: config.data.sampleSize, sampleInWorker });
  // The generated sample for papi local is made in a worker while papi local starts (this thread then
  // mostly waits for it); still before anything is created. Other sources are read once connected.
  const early = loadsFiles && config.target !== 'snowflake' && data.resolveDataSource(config.data.source, 'local') === 'sample' ? prepare('sample', true) : undefined;
  // Never left unhandled when the run stops before it is awaited (papi local failed to start).
  early?.catch(() => undefined);
  let prepared: Awaited<ReturnType<typeof data.prepareData>> | undefined;
  try {
    const target = await ctx.target();
    const started = performance.now();
    const conn = await ctx.connection();
    // papi local reached through a connection gets the generated sample too (it has no network either).
    const { platformOf } = await import('../snowflake/platform.js');
    const papiLocal = target.kind === 'local' || (await platformOf(conn)).papiLocal;
    const source = data.resolveDataSource(config.data.source, papiLocal ? 'local' : 'snowflake');
    // The data is read and checked before anything is created: a wrong --data path or a bad file
    // stops the run with nothing changed (it used to fail after every object was made).
    if (checksTables)
      await ctx.out.task('Check the tables (data.source: tables)', () => checkSourceTables(conn, config), () => '');
    else if (loadsFiles) prepared = await ctx.out.task('Prepare data', () => early ?? prepare(source), (p) => p.source);
    const steps = await runSetup({
      conn,
      config,
      steps: plan.steps,
      out: ctx.out,
      tableType: plan.tableType,
      force: options.force,
      prepared,
    });
    const cachedAnswers = await cachedAnswersAfter(steps, config);
    return { target: target.kind, targetDescription: target.description, tableType: plan.tableType, steps, ms: performance.now() - started, ...(cachedAnswers ? { cachedAnswers } : {}) };
  } catch (error) {
    throw explainHybridUnsupported(error);
  } finally {
    await (prepared ?? (await early?.catch(() => undefined)))?.remove();
  }
}

/**
 * The deployed service keeps answering ids it has cached from the table it read (service.cache.ttlSeconds):
 * after a new publish, say for how long, so nobody takes the old answers for a failed setup.
 */
async function cachedAnswersAfter(steps: StepReport[], config: PapiConfig): Promise<SetupResult['cachedAnswers']> {
  if (!steps.some((s) => s.outcome === 'published') || config.service.cache.ttlSeconds === 0) return undefined;
  const { readDeployment } = await import('../deploy/deployment.js');
  const deployment = await readDeployment(projectPaths(config).deployment);
  return deployment ? { service: deployment.service, ttlSeconds: config.service.cache.ttlSeconds } : undefined;
}

/**
 * Accounts without hybrid tables fail the publish. Snowflake answers "Unsupported feature 'HYBRID
 * TABLE'." (SQLSTATE 0A000); older texts said hybrid tables are "not supported/available/enabled".
 */
export function isHybridUnsupported(error: unknown): error is SnowflakeError {
  if (!(error instanceof SnowflakeError)) return false;
  if (/Unsupported feature '?HYBRID TABLES?'?/i.test(error.message)) return true;
  return /hybrid table/i.test(error.message) && /not (supported|available|enabled)/i.test(error.message);
}

/** What the documentation says about where hybrid tables exist (tables-hybrid-limitations). */
export const HYBRID_UNAVAILABLE_HINT =
  'This account cannot create hybrid tables: they are not supported in trial accounts or in U.S. SnowGov regions ' +
  '(they are generally available in commercial AWS and Azure regions, in preview on Google Cloud; Virtual Private Snowflake accounts ask Snowflake Support). ' +
  'Publish an ordinary table instead: papi setup --table-type standard, or keep that choice for every run with ' +
  '`snowflake.api.tableType: standard` in papi.yaml';

function explainHybridUnsupported(error: unknown): unknown {
  if (!isHybridUnsupported(error)) return error;
  return new SnowflakeError(error.message, error.snowflakeCode, error.sqlState, { cause: error, statement: error.statement, hint: HYBRID_UNAVAILABLE_HINT });
}
