// The detached papi local process that src/launcher starts: papi local itself and nothing of the CLI
// (no commander, no config, no output layer), bundled into one file (dist/papi-local.mjs, see
// esbuild.config.mjs) so it starts in a fraction of what `papi local start` through the CLI took.
//   node dist/papi-local.mjs --data-dir DIR [--port N] [--no-hybrid-tables] [--no-spcs] [--no-hybrid-swap]
//     [--scheduling-delay S] [--endpoint-delay S] [--oauth-token-lifetime S]
// Its output goes to the data directory's log. When it is ready it writes how to reach it as one JSON
// line to the file descriptor named by PAPI_LOCAL_READY_FD (a pipe from its starter) and closes it, so
// the starter waits on the pipe instead of polling; without that variable it just runs.
import { closeSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataDirError, serveLocal, type LocalSnowflake } from '../local/index.js';
import { READY_FD_ENV, type ReadyMessage } from './ready.js';

/** Wrong arguments: the launcher builds them from options the CLI already checked, so a bug. */
class ArgumentError extends Error {}

function seconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new ArgumentError(`--${name} must be a number of seconds ≥ 0, not ${JSON.stringify(value)}`);
  return n;
}

async function open(argv: string[]): Promise<LocalSnowflake> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
      'no-hybrid-tables': { type: 'boolean', default: false },
      'no-spcs': { type: 'boolean', default: false },
      'no-hybrid-swap': { type: 'boolean', default: false },
      'scheduling-delay': { type: 'string' },
      'endpoint-delay': { type: 'string' },
      'oauth-token-lifetime': { type: 'string' },
    },
  });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new ArgumentError('--data-dir is required');
  const scheduling = seconds(values['scheduling-delay'], 'scheduling-delay');
  const endpoint = seconds(values['endpoint-delay'], 'endpoint-delay');
  const oauth = seconds(values['oauth-token-lifetime'], 'oauth-token-lifetime');
  // The admin password is read from the data directory (the starter prepared it): never in argv.
  return serveLocal({
    dataDir,
    port: Number(values.port),
    refuseHybridTables: values['no-hybrid-tables'],
    refuseContainerServices: values['no-spcs'],
    refuseHybridSwap: values['no-hybrid-swap'],
    ...(scheduling !== undefined ? { schedulingMs: scheduling * 1000 } : {}),
    ...(endpoint !== undefined ? { endpointProvisioningMs: endpoint * 1000 } : {}),
    ...(oauth !== undefined ? { oauthTokenSeconds: oauth } : {}),
  });
}

function tellStarter(message: ReadyMessage): void {
  const fd = Number(process.env[READY_FD_ENV]);
  if (!Number.isInteger(fd) || fd < 3) return;
  delete process.env[READY_FD_ENV]; // not inherited by the services it runs
  try {
    writeSync(fd, `${JSON.stringify(message)}\n`);
  } catch {
    // The starter is gone (Ctrl-C while starting); it stops this one with SIGTERM.
  } finally {
    closeSync(fd);
  }
}

async function main(): Promise<void> {
  const local = await open(process.argv.slice(2));
  // SIGTERM (papi local stop, a supervisor) and SIGINT both stop it cleanly: services, DuckDB, local.json.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  process.stdout.write(`${new Date().toISOString()} papi local ready at ${local.accessUrl} (pid ${process.pid}, data ${local.dataDir})\n`);
  tellStarter({ pid: process.pid, accessUrl: local.accessUrl, account: local.account, user: local.user });
  await stopped;
  await local.close();
  process.stdout.write(`${new Date().toISOString()} papi local stopped\n`);
}

try {
  await main();
} catch (error) {
  // Into the log, which the starter shows when this exits before it was ready.
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof DataDirError || error instanceof ArgumentError ? 2 : 1;
}
// Closed (or failed): nothing it started may keep the process.
process.exit();
