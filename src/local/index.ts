// papi local's public entry: the one module the rest of papi imports (a rule `npm test` checks, see
// .dependency-cruiser.cjs). startLocal runs papi local in this process; serveLocal also publishes it
// to other papi processes through the data directory, where the instance functions find it. The
// server, the engine and DuckDB load only when one is started, so reading the instance stays cheap.
import type { LocalSnowflake, StartLocalOptions } from './start.js';

export type { LocalSnowflake, StartLocalOptions } from './start.js';
export { LOCAL_REGION } from './platform.js';
export {
  BACKGROUND_ENTRY,
  confirmInstance,
  DATA_FORMAT_VERSION,
  DataDirError,
  holdsData,
  isAlive,
  LOG_FILE,
  prepareDataDir,
  readInstance,
  readPassword,
  recordedInstance,
  runningInstance,
  type LocalInstance,
} from './instance.js';

export async function startLocal(options: StartLocalOptions): Promise<LocalSnowflake> {
  return (await import('./start.js')).startLocal(options);
}

export async function serveLocal(options: StartLocalOptions): Promise<LocalSnowflake> {
  return (await import('./start.js')).serveLocal(options);
}
