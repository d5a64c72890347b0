// Whether papi's published name is a view (a publish through versioned tables, when the account
// refused SWAP WITH between hybrid tables) or a table: setup repoints the view, teardown drops it.
import type { ObjectNames } from '../config/types.js';
import { resolveNames, step } from './plan.js';
import { runStatement, type StatementRunner } from './runner.js';

export interface PublishedView {
  /** The view's SELECT text (SHOW VIEWS `text`): which versioned table it reads. */
  text: string;
}

/** The published view, or undefined when the name is a table, or nothing, or the schema is missing. */
export async function publishedView(conn: StatementRunner, objects: ObjectNames, debug?: (m: string) => void): Promise<PublishedView | undefined> {
  const names = resolveNames(objects);
  const [show] = step('views', 'Views', 'publish', 'publish/views.sql', { api_schema: names.apiSchema }).statements;
  try {
    const rows = await runStatement(conn, show!, debug);
    const row = rows.find((r) => String(r.name).toUpperCase() === objects.api.table.toUpperCase());
    return row ? { text: String(row.text ?? '') } : undefined;
  } catch (error) {
    // No schema yet (002003): nothing published.
    if ((error as { snowflakeCode?: string }).snowflakeCode === '002003') return undefined;
    throw error;
  }
}
