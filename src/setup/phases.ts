// Executes the setup plan step by step with a progress line each. Objects report created/unchanged
// from Snowflake's status texts; the data, recommend and publish phases are skipped as unchanged when
// their input fingerprint equals the one recorded by the last run (PAPI_STATE), unless forced.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { PapiConfig } from '../config/types.js';
import type { Output } from '../ui/output.js';
import { combineOutcomes, outcomeOf, type Outcome } from '../snowflake/outcome.js';
import { resolveNames, step as renderStep, type PlanStep, type SetupPhase } from '../snowflake/plan.js';
import { SnowflakeError, UsageError } from '../ui/errors.js';
import { runStatement, type Row, type StatementRunner } from '../snowflake/runner.js';
import { fileUrl, pathSegment, type TemplateValue } from '../snowflake/template.js';
import { gzipForUpload } from '../data/output.js';
import { fingerprint, isMissingObject, SetupState } from './fingerprints.js';
import { checkUserIdColumn } from './id-columns.js';
import { publish, type PublishOutcome } from './publish.js';
import { applySchedule } from './schedule.js';
import { checkSourceGrants, readsTables, sourceTables } from './source-tables.js';
import { plural } from '../ui/plural.js';

/** Files ready to PUT, by kind (ratings, titles, users), from src/data. */
export interface PreparedFiles {
  source: string;
  files: Record<string, string>;
}

export type StepOutcome = Exclude<Outcome, 'done' | 'dropped' | 'absent'> | 'applied' | 'loaded' | 'computed' | 'published';

export interface StepReport {
  id: string;
  title: string;
  phase: SetupPhase;
  outcome: StepOutcome;
  detail?: string;
  /** The publish step when it went through a view (SWAP WITH refused): which version, and why. */
  publish?: PublishOutcome;
  ms: number;
}

export interface SetupRunOptions {
  conn: StatementRunner;
  config: PapiConfig;
  steps: PlanStep[];
  out: Output;
  /** The data files, read and checked before the run (present when the plan has a data phase). */
  prepared?: PreparedFiles;
  tableType: 'hybrid' | 'standard';
  /** Re-run the data, recommend and publish phases even when their input did not change. */
  force?: boolean;
}

export async function runSetup(options: SetupRunOptions): Promise<StepReport[]> {
  const { conn, config, out } = options;
  const debug = (message: string) => out.debug(message);
  // Read once the first phase that needs it has a warehouse (the read is a query on a table).
  let recorded: SetupState | undefined;
  const readState = async () => (recorded ??= await SetupState.read(conn, config.snowflake));
  const reports: StepReport[] = [];
  let createdSomething = false;

  const run = async (step: PlanStep, work: () => Promise<{ outcome: StepOutcome; detail?: string; publish?: PublishOutcome }>) => {
    const started = performance.now();
    const result = await out.task(step.title, work, (r) => describe(r.outcome, r.detail));
    reports.push({ id: step.id, title: step.title, phase: step.phase as SetupPhase, ...result, ms: Math.round(performance.now() - started) });
  };
  const skip = (step: PlanStep, why: string) => run(step, async () => ({ outcome: 'unchanged', detail: why }));

  for (const [phase, steps] of groupByPhase(options.steps)) {
    if (phase === 'objects') {
      for (const step of steps)
        await run(step, async () => {
          const outcomes: Outcome[] = [];
          for (const statement of step.statements) outcomes.push(outcomeOf(await runStatement(conn, statement, debug)));
          const combined = combineOutcomes(outcomes);
          if (combined === 'created') createdSomething = true;
          // GRANTs answer the same text every time: after creating objects they did something.
          const onlyGrants = outcomes.every((o) => o === 'done');
          // Tables left by a run with the other service.idFormat: say so before anything is loaded.
          if (step.id === 'tables') await checkUserIdColumn(conn, config, debug);
          return { outcome: combined === 'created' ? 'created' : onlyGrants && createdSomething ? 'applied' : 'unchanged' };
        });
      continue;
    }
    // Each later phase sets the warehouse itself, so that `--only <phase>` works on any connection.
    for (const statement of steps[0]?.before ?? []) await runStatement(conn, statement, debug).catch(explainMissingWarehouse(config));
    const state = await readState();
    if (phase === 'data' && readsTables(config)) {
      // The tables change without papi knowing: the views are (re)made and the data counts as new on
      // every run, so recommend and publish always run on the tables as they are now.
      await checkSourceGrants(conn, config);
      for (const step of steps)
        await run(step, async () => {
          for (const statement of step.statements) await runStatement(conn, statement, debug);
          return { outcome: 'applied', detail: sourceTables(config).map((t) => t.parts.join('.')).join(', ') };
        });
      await state.set('data', fingerprint('tables', randomUUID()));
      await state.set('data-source', 'tables');
    } else if (phase === 'data') {
      const { prepared } = options;
      if (!prepared) throw new Error('the data phase runs without prepared data');
      await checkUserIdColumn(conn, config, debug);
      const dataPrint = fingerprint(...(await Promise.all(Object.entries(prepared.files).sort().map(async ([k, f]) => `${k}:${await fileHash(f)}`))));
      if (!options.force && state.get('data') === dataPrint) {
        for (const step of steps) await skip(step, 'same data as the last run');
        continue;
      }
      // Data of another origin than the last run's replaces it: say so (a plain setup after --data <dir> reloads the default).
      const previous = state.get('data-source');
      const replacing = previous !== undefined && previous !== prepared.source ? `, replacing ${previous}` : '';
      for (const [i, step] of steps.entries())
        await run(step, async () => {
          if (step.upload) await putFiles(conn, config, step.upload.data, prepared, debug);
          let rows: number | undefined;
          for (const statement of step.statements) rows = rowsInserted(await runStatement(conn, statement, debug)) ?? rows;
          if (rows === undefined) return { outcome: 'applied' };
          return { outcome: 'loaded', detail: `${rows.toLocaleString('en-US')} rows${i === steps.length - 1 ? replacing : ''}` };
        });
      await state.set('data', dataPrint);
      await state.set('data-source', prepared.source);
    } else if (phase === 'recommend') {
      const print = fingerprint(state.get('data'), ...steps.flatMap((s) => s.statements.map((st) => st.sql)));
      if (!options.force && state.get('recommendations') === print) {
        for (const step of steps) await skip(step, 'same data and settings as the last run');
        continue;
      }
      for (const step of steps)
        await run(step, async () => {
          for (const statement of step.statements) await runStatement(conn, statement, debug);
          return { outcome: 'computed' };
        });
      await state.set('recommendations', print);
    } else if (phase === 'publish') {
      const print = fingerprint(state.get('recommendations'), options.tableType, ...steps.flatMap((s) => s.statements.map((st) => st.sql)));
      if (!options.force && state.get('published') === print && (await publishedRows(conn, config)) !== undefined) {
        for (const step of steps) await skip(step, 'already published');
        continue;
      }
      if (!options.force) await refuseShrinking(conn, config);
      for (const step of steps)
        await run(step, async () => {
          const how = await publish(conn, config, step, options.tableType, debug);
          const rows = await publishedRows(conn, config);
          const users = rows === undefined ? undefined : `${rows.toLocaleString('en-US')} users`;
          if (how.method === 'swap') return { outcome: 'published', detail: users };
          const via = `through a view over ${how.version}`;
          return { outcome: 'published', detail: users ? `${users}, ${via}` : via, publish: how };
        });
      await state.set('published', print);
    } else if (phase === 'schedule') {
      for (const step of steps) await run(step, () => applySchedule(conn, config, step, state, debug));
    }
  }
  return reports;
}

/** How much smaller than the live table new recommendations may be before publishing them needs --force. */
const MOST_USERS_LOST = 0.5;

/**
 * Bad input must not replace good answers without a word: new recommendations that would empty the
 * published table, or take away more than half of its users, are not published unless --force.
 */
async function refuseShrinking(conn: StatementRunner, config: PapiConfig): Promise<void> {
  const live = await publishedRows(conn, config);
  if (!live) return; // nothing published yet
  const next = (await rowsOf(conn, resolveNames(config.snowflake).recommendations)) ?? 0;
  if (next >= live * (1 - MOST_USERS_LOST)) return;
  const loss = next === 0 ? 'leave it empty' : `drop ${Math.round(100 * (1 - next / live))} % of its users`;
  throw new UsageError(`Not published: the new recommendations cover ${plural(next, 'user')}, and the published table serves ${live.toLocaleString('en-US')}; publishing would ${loss}.`, {
    code: 'PUBLISH_WOULD_SHRINK',
    hint: 'Check the input data (the ratings file, --data). The published table is unchanged. To publish anyway: papi setup --force.',
  });
}

/** A phase run alone before the objects exist (or without USAGE on the warehouse): say what to do. */
function explainMissingWarehouse(config: PapiConfig) {
  return (error: unknown): never => {
    if (error instanceof SnowflakeError && (error.snowflakeCode === '002043' || isMissingObject(error)))
      throw new SnowflakeError(error.message, error.snowflakeCode, error.sqlState, {
        cause: error,
        statement: error.statement,
        hint: `papi's warehouse ${config.snowflake.warehouse.name} is missing or this role may not use it: run \`papi setup\` (its objects phase creates and grants it) first.`,
      });
    throw error;
  };
}

function describe(outcome: StepOutcome, detail?: string): string {
  // "✓ Create roles" says it all; "created" after it would repeat the title.
  if (outcome === 'created') return detail ?? '';
  return detail ? `${outcome} · ${detail}` : outcome;
}

function groupByPhase(steps: PlanStep[]): Array<[SetupPhase, PlanStep[]]> {
  const groups: Array<[SetupPhase, PlanStep[]]> = [];
  for (const step of steps) {
    const phase = step.phase as SetupPhase;
    const last = groups.at(-1);
    if (last && last[0] === phase) last[1].push(step);
    else groups.push([phase, [step]]);
  }
  return groups;
}

async function putFiles(conn: StatementRunner, config: PapiConfig, kind: string, prepared: PreparedFiles, debug: (m: string) => void) {
  const file = prepared.files[kind];
  if (!file) throw new Error(`no ${kind} file was prepared`);
  const names = resolveNames(config.snowflake);
  const put = renderStep('put', 'Upload', 'data', 'data/put.sql', {
    file: fileUrl(await gzipForUpload(file)),
    stage: names.stage,
    folder: pathSegment(kind),
  });
  for (const statement of put.statements) await runStatement(conn, statement, debug);
}

/** Rows an INSERT put into its table (the load's last INSERT OVERWRITE), undefined for other statements. */
function rowsInserted(rows: Row[]): number | undefined {
  const n = rows.length === 1 ? rows[0]?.['number of rows inserted'] : undefined;
  return n === undefined || n === null ? undefined : Number(n);
}

function publishedRows(conn: StatementRunner, config: PapiConfig): Promise<number | undefined> {
  return rowsOf(conn, resolveNames(config.snowflake).table);
}

/** A table's row count, undefined when it does not exist. */
async function rowsOf(conn: StatementRunner, table: TemplateValue): Promise<number | undefined> {
  const [count] = renderStep('rows', 'Count', 'publish', 'state/published-rows.sql', { table }).statements;
  try {
    const [row] = await conn.execute(count!.sql);
    return Number(row?.ROW_COUNT ?? 0);
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}

function fileHash(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
