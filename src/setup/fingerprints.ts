// papi's bookkeeping table (PAPI_STATE in the recommender schema): fingerprints of what the data,
// recommend and publish phases produced, so a re-run with the same input skips them as unchanged.
import { createHash } from 'node:crypto';
import type { ObjectNames } from '../config/types.js';
import { resolveNames, step, type PlannedStatement } from '../snowflake/plan.js';
import type { StatementRunner } from '../snowflake/runner.js';

/** data-source: where the loaded data came from, as people read it (setup says when it changes). */
export type StateName = 'data' | 'data-source' | 'recommendations' | 'published' | 'schedule';

export class SetupState {
  private constructor(
    private readonly conn: StatementRunner,
    private readonly write: PlannedStatement[],
    private readonly values: Map<string, string>,
  ) {}

  /** Reads the recorded fingerprints; an account without the table yet has none. */
  static async read(conn: StatementRunner, objects: ObjectNames): Promise<SetupState> {
    const names = resolveNames(objects);
    const [read] = step('state-read', 'Read state', 'objects', 'state/read.sql', { state_table: names.state }).statements;
    const write = step('state-write', 'Write state', 'objects', 'state/write.sql', { state_table: names.state }).statements;
    const values = new Map<string, string>();
    try {
      for (const row of await conn.execute(read!.sql)) values.set(String(row.NAME), String(row.VALUE));
    } catch (error) {
      if (!isMissingObject(error)) throw error;
    }
    return new SetupState(conn, write, values);
  }

  get(name: StateName): string | undefined {
    return this.values.get(name);
  }

  async set(name: StateName, value: string): Promise<void> {
    const [remove, insert] = this.write;
    await this.conn.execute(remove!.sql, [name]);
    await this.conn.execute(insert!.sql, [name, value]);
    this.values.set(name, value);
  }
}

/** A stable fingerprint of the parts that determine a phase's result. */
export function fingerprint(...parts: Array<string | number | undefined>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part ?? ''}\u0000`);
  return hash.digest('hex').slice(0, 32);
}

export function isMissingObject(error: unknown): boolean {
  return (error as { snowflakeCode?: string } | undefined)?.snowflakeCode === '002003';
}
