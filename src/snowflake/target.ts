// Where commands connect: the configured Snowflake account, or papi local — started in the background
// for the project when none runs yet, so `papi setup` works on a fresh machine with nothing configured.
// Above this module nothing knows which of the two it talks to.
import { join } from 'node:path';
import { accountUrlOf } from '../config/account-url.js';
import { requireConnection } from '../config/connection-check.js';
import type { ConnectionParams, PapiConfig } from '../config/types.js';
import { isAlive, LOG_FILE, readPassword, runningInstance } from '../local/index.js';
import { ensureProjectDirFor } from '../project.js';
import { AuthError } from '../ui/errors.js';
import type { Output } from '../ui/output.js';
import type { Connection } from './driver.js';

export interface Target {
  kind: 'local' | 'snowflake';
  /** Connection parameters for the driver (papi's admin connection). */
  params: ConnectionParams;
  account: string;
  /** The account URL: SQL API, /oauth/token. */
  accountUrl: string;
  /** For people: "papi local (http://127.0.0.1:…)" or the account. */
  description: string;
  /** papi local's process and data directory (local only): a command stops at once when it dies. */
  local?: { pid: number; dataDir: string };
}

/** How often a connection to papi local checks that its process still runs. */
const LOCAL_WATCH_MS = 250;

/** What resolving the target uses of a command's context (papi local may have to be started). */
export interface TargetIO {
  out: Output;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Ctrl-C while papi local starts stops it. */
  signal: AbortSignal;
}

export async function resolveTarget(config: PapiConfig, io: TargetIO): Promise<Target> {
  const { out } = io;
  if (config.target === 'snowflake') {
    requireConnection(config);
    const params = config.connection;
    const account = params.account!;
    // Built from host/account, region, protocol and port: /oauth/token, the registry and the ingress follow it.
    const accountUrl = params.accessUrl ?? accountUrlOf(params)!;
    return { kind: 'snowflake', params, account, accountUrl, description: `Snowflake account ${account}` };
  }
  const dataDir = config.local.dataDir;
  let running = await runningInstance(dataDir);
  if (!running) {
    const { startInBackground } = await import('../launcher/index.js');
    await ensureProjectDirFor(config, dataDir);
    // Say where: a command run in a subfolder or beside another papi.yaml must not surprise anyone.
    // In this process (no second papi to load): papi local itself starts as a detached process. The
    // driver, which the command loads next, loads meanwhile (this process only waits for the child) —
    // once the child is spawned: its load holds this process's event loop, and begun before, it
    // delayed the spawn by as long.
    const loadDriver = () => void import('./driver.js').then((driver) => driver.loadDriver({ debug: (message) => out.debug(message) })).catch(() => undefined);
    await out.task(`Start papi local in the background for the project in ${config.projectDir}`, () => startInBackground(io, dataDir, config.local.port, loadDriver), () => `(data: ${dataDir})`);
    running = await runningInstance(dataDir);
    if (!running) throw new AuthError(`papi local did not start for ${dataDir}`, { hint: 'Run `papi local start` to see why.' });
    out.info(`papi local keeps running for the next commands (data: ${dataDir}); stop it with \`papi local stop\`.`);
  }
  const password = await readPassword(dataDir);
  if (!password) throw new AuthError(`papi local's admin password is missing from ${dataDir}`, { hint: 'Restart it: papi local stop && papi local start --detach' });
  return {
    kind: 'local',
    params: { account: running.account, accessUrl: running.accessUrl, user: running.user, password, authenticator: 'SNOWFLAKE', role: 'ACCOUNTADMIN' },
    account: running.account,
    accountUrl: running.accessUrl,
    description: `papi local (${running.accessUrl})`,
    local: { pid: running.pid, dataDir },
  };
}

/** `signal` (Ctrl-C) cancels the running statement and refuses new ones (see driver.ts). */
export async function openConnection(target: Target, out: Output, signal?: AbortSignal): Promise<Connection> {
  const { connect } = await import('./driver.js');
  out.debug(`connecting to ${target.description}`);
  const watch = target.local ? watchLocal(target.local, signal) : undefined;
  const log = { debug: (message: string) => out.debug(message) };
  const connection = await connect(target.params, { log, ...(watch ? { signal: watch.signal } : signal ? { signal } : {}) }).catch((error: unknown) => {
    watch?.stop();
    throw watch?.signal.aborted ? watch.signal.reason : error;
  });
  if (!watch) return connection;
  return { ...connection, close: () => (watch.stop(), connection.close()) };
}

/**
 * papi local killed while a command uses it (SIGKILL, the OOM killer): the driver would retry the
 * refused connection for a minute before failing. A signal that aborts as soon as its pid is gone
 * stops the running statement at once with what happened; Ctrl-C (`signal`) still aborts it too.
 */
function watchLocal(local: { pid: number; dataDir: string }, signal?: AbortSignal): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setInterval(() => {
    if (isAlive(local.pid)) return;
    stop();
    controller.abort(
      new AuthError(`papi local (pid ${local.pid}) stopped while papi was using it.`, {
        code: 'LOCAL_GONE',
        hint: `Run the command again: it starts papi local again. Why it stopped may be at the end of ${join(local.dataDir, LOG_FILE)}.`,
      }),
    );
  }, LOCAL_WATCH_MS);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  return { signal: controller.signal, stop };
}
