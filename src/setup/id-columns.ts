// A column's type cannot change in place: tables made for integer user ids (NUMBER) cannot take
// alphanumeric ones (VARCHAR), nor the other way round. Setup checks the ratings table's USER_ID
// before loading into it and says what to do, instead of a COPY or INSERT failing on a conversion.
import type { PapiConfig } from '../config/types.js';
import { ID_COLUMN_TYPES, type IdFormat } from '../config/id-format.js';
import { RECOMMENDER_TABLES, resolveNames, step } from '../snowflake/plan.js';
import { runStatement, type StatementRunner } from '../snowflake/runner.js';
import { UsageError } from '../ui/errors.js';
import { isMissingObject } from './fingerprints.js';

export async function checkUserIdColumn(conn: StatementRunner, config: PapiConfig, debug: (m: string) => void): Promise<void> {
  const names = resolveNames(config.snowflake);
  const [describe] = step('id-columns', 'Id columns', 'objects', 'state/id-columns.sql', { ratings_table: names.ratings }).statements;
  let rows;
  try {
    rows = await runStatement(conn, describe!, debug);
  } catch (error) {
    if (isMissingObject(error)) return; // created later in the run
    throw error;
  }
  const type = String(rows.find((row) => String(row.name).toUpperCase() === 'USER_ID')?.type ?? '');
  const made: IdFormat | undefined = /^(NUMBER|DECIMAL|NUMERIC|INT)/i.test(type) ? 'integer' : /^(VARCHAR|TEXT|STRING|CHAR)/i.test(type) ? 'alphanumeric' : undefined;
  const wanted = config.service.idFormat;
  if (made === undefined || made === wanted) return;
  const table = `${config.snowflake.recommender.database}.${config.snowflake.recommender.schema}.${RECOMMENDER_TABLES.ratings}`.toUpperCase();
  throw new UsageError(
    `${table}.USER_ID is ${type}: the tables were made for ${made} user ids, and service.idFormat is ${wanted} (${ID_COLUMN_TYPES[wanted]}). A column's type cannot change in place.`,
    {
      code: 'ID_FORMAT_CHANGED',
      hint: `Set service.idFormat back to ${made} in papi.yaml, or start again with the new format: papi teardown --yes (drops every object papi made, the service included), then papi setup.`,
    },
  );
}
