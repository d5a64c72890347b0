// Runs planned statements on a connection: one statement at a time, logged at debug level, and a
// failure names the statement's source line in sql/ so the user knows which step broke.
import { SnowflakeError } from '../ui/errors.js';
import type { PlannedStatement } from './plan.js';

export type BindValue = string | number | boolean | null;
export type Row = Record<string, unknown>;

/** What papi needs from a connection (src/snowflake/driver.ts provides it over snowflake-sdk). */
export interface StatementRunner {
  execute(sql: string, binds?: readonly BindValue[]): Promise<Row[]>;
}

export async function runStatement(
  conn: StatementRunner,
  statement: PlannedStatement,
  debug: (message: string) => void = () => {},
): Promise<Row[]> {
  debug(`-- ${statement.source}\n${statement.sql}${statement.binds?.length ? `\n-- binds: ${JSON.stringify(statement.binds)}` : ''}`);
  try {
    return await conn.execute(statement.sql, statement.binds);
  } catch (error) {
    if (error instanceof SnowflakeError && !error.message.includes(statement.source))
      throw new SnowflakeError(`${error.message} (sql/${statement.source})`, error.snowflakeCode, error.sqlState, {
        hint: error.hint,
        cause: error,
        statement: statement.sql,
      });
    throw error;
  }
}
