// Session parameters answered at login and echoed with every query result: the driver reads the
// output formats and the timezone from each response (they land in a table shared by every
// connection in the process, so they are always sent in full).
import { OUTPUT_DEFAULTS } from '../engine/index.js';
import type { SessionState } from '../engine/types.js';

const DEFAULTS: Record<string, string | number | boolean> = {
  // The time zone and output formats the engine also formats values with.
  ...OUTPUT_DEFAULTS,
  TIMESTAMP_TYPE_MAPPING: 'TIMESTAMP_NTZ',
  CLIENT_TIMESTAMP_TYPE_MAPPING: 'TIMESTAMP_LTZ',
  CLIENT_SESSION_KEEP_ALIVE: false,
  CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY: 3600,
  CLIENT_RESULT_COLUMN_CASE_INSENSITIVE: false,
  // Array binds past this many values go through the driver's temporary stage (SYSTEM$BIND).
  CLIENT_STAGE_ARRAY_BINDING_THRESHOLD: 65280,
  QUERY_CONTEXT_CACHE_SIZE: 5,
  JS_TREAT_INTEGER_AS_BIGINT: false,
};

/** The session's parameters over Snowflake's defaults, as `[{name, value}]`. */
export function sessionParameters(state: SessionState): Array<{ name: string; value: string | number | boolean }> {
  const merged: Record<string, string | number | boolean> = { ...DEFAULTS };
  for (const [name, value] of Object.entries(state.parameters)) if (name.toUpperCase() in DEFAULTS) merged[name.toUpperCase()] = value;
  return Object.entries(merged).map(([name, value]) => ({ name, value }));
}
