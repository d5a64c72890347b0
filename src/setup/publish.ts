// The publish phase: the plan's atomic build-grant-SWAP, or — when the account refuses ALTER TABLE …
// SWAP WITH between hybrid tables, which no documentation promises — a stable view over two versioned
// hybrid tables, repointed with one CREATE OR REPLACE VIEW. Once the name is a view, later publishes
// go straight to the view.
import type { PapiConfig } from '../config/types.js';
import { resolveNames, step as renderStep, userIdType, type PlanStep } from '../snowflake/plan.js';
import { publishedView } from '../snowflake/published.js';
import { runStatement, type StatementRunner } from '../snowflake/runner.js';
import type { TemplateValues } from '../snowflake/template.js';
import { SnowflakeError } from '../ui/errors.js';

export interface PublishOutcome {
  /** swap: the table was swapped in; view: the view now reads `version`. */
  method: 'swap' | 'view';
  /** The versioned table the view reads (view only). */
  version?: string;
  /** Why the view: the refusal's text, or that the name already was a view. */
  reason?: string;
}

const isSwap = (sql: string): boolean => /\bSWAP\s+WITH\b/i.test(sql);

/** A refusal of the SWAP itself (unsupported feature, 0A000), not a failure of anything else. */
export function isSwapRefused(error: unknown): error is SnowflakeError {
  return error instanceof SnowflakeError && (error.sqlState === '0A000' || error.snowflakeCode === '002040' || /not supported|unsupported/i.test(error.message));
}

export async function publish(conn: StatementRunner, config: PapiConfig, step: PlanStep, tableType: 'hybrid' | 'standard', debug: (m: string) => void): Promise<PublishOutcome> {
  const view = await publishedView(conn, config.snowflake, debug);
  if (view && tableType === 'hybrid') return publishThroughView(conn, config, view.text, false, 'the published name is a view over versioned tables (an earlier publish fell back to it)', debug);
  // Back to a table: the view gives way (its versioned tables stay until teardown).
  if (view) await runAll(conn, render(config, 'publish/drop-view.sql', {}), debug);
  for (const statement of step.statements) {
    try {
      await runStatement(conn, statement, debug);
    } catch (error) {
      if (tableType !== 'hybrid' || !isSwap(statement.sql) || !isSwapRefused(error)) throw error;
      return publishThroughView(conn, config, '', true, `ALTER TABLE … SWAP WITH was refused: ${error.message.split('\n').at(-1)}`, debug);
    }
  }
  return { method: 'swap' };
}

async function publishThroughView(conn: StatementRunner, config: PapiConfig, viewText: string, fromTable: boolean, reason: string, debug: (m: string) => void): Promise<PublishOutcome> {
  const o = config.snowflake;
  // Rebuild the version the view does not read now (V1 first).
  const live = viewText.toUpperCase().includes(`${o.api.table}_V1`.toUpperCase()) ? 1 : 2;
  const next = live === 1 ? 2 : 1;
  const names = resolveNames(o);
  if (fromTable) await runAll(conn, render(config, 'publish/drop-table.sql', {}), debug);
  await runAll(conn, render(config, 'publish/hybrid-view.sql', { version_table: names.versionTables[next - 1], recommendations_table: names.recommendations, api_role: names.apiRole, next_table: names.nextTable, user_id_type: userIdType(config) }), debug);
  return { method: 'view', version: `${o.api.database}.${o.api.schema}.${o.api.table}_V${next}`.toUpperCase(), reason };
}

function render(config: PapiConfig, template: string, values: TemplateValues) {
  return renderStep('publish', 'Publish', 'publish', template, { table: resolveNames(config.snowflake).table, ...values }).statements;
}

async function runAll(conn: StatementRunner, statements: ReturnType<typeof render>, debug: (m: string) => void): Promise<void> {
  for (const statement of statements) await runStatement(conn, statement, debug);
}
