// papi local as a process: started in the foreground (`papi local start`), detached into the
// background (`--detach`, and whenever a command needs papi local and none runs), found again through
// the instance file it leaves in its data directory, and stopped. papi local itself is src/local; this
// module only uses its public entry.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Context } from '../context.js';
import { BACKGROUND_ENTRY, confirmInstance, DataDirError, isAlive, LOG_FILE, prepareDataDir, readPassword, recordedInstance, runningInstance, type LocalInstance } from '../local/index.js';
import { packagePath } from '../paths.js';
import { poll } from '../poll.js';
import { READY_FD_ENV, type ReadyMessage } from './ready.js';
import { AuthError, CancelledError, ExitCode, PapiError, ToolError, UsageError } from '../ui/errors.js';
import { withStartLock } from './start-lock.js';

/** `papi local status` exits 3 when no local Snowflake runs for the data directory. */
export class NotRunningError extends PapiError {
  override readonly exitCode = ExitCode.auth;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
/** How long a start waits for another process that is starting papi local for the same directory. */
const START_LOCK_TIMEOUT_MS = READY_TIMEOUT_MS + 30_000;

/** How to reach a running papi local, as `papi local start` prints it. */
export interface Running {
  accessUrl: string;
  account: string;
  user: string;
  password: string;
  dataDir: string;
  pid: number;
}

/** How this papi local differs from the defaults (flags of `start`, passed on to a detached child). */
export interface LocalBehaviour {
  refuseHybridTables: boolean;
  refuseContainerServices?: boolean;
  /** Refuse SWAP WITH between hybrid tables (papi setup then publishes through a view). */
  refuseHybridSwap?: boolean;
  endpointDelaySeconds?: number;
  /** How long new service instances wait for a node (PENDING, no instance). */
  schedulingDelaySeconds?: number;
  /** Lifetime of the ingress tokens it issues (default 1 hour). */
  oauthTokenSeconds?: number;
}

export interface StartOptions {
  dataDir: string;
  /** 0 = any free port. */
  port: number;
  /** Admin password (default: generated once and stored 0600 in the data directory). */
  password?: string;
  behaviour: LocalBehaviour;
  /**
   * Called once the background process is spawned, while this one only waits for it: work for the
   * other core (the CLI loads the driver then; loaded before the spawn, it delayed papi local's start).
   */
  whileStarting?: (pid: number) => void;
}

/** What starting papi local in the background uses of a command's context. */
export type Starter = Pick<Context, 'out' | 'env' | 'cwd' | 'signal'>;

/** Starts papi local in the background and returns once it is ready (or says it already ran). */
export async function startDetached(ctx: Starter, options: StartOptions): Promise<Running & { alreadyRunning: boolean }> {
  const { dataDir } = options;
  // Checked and started under the data directory's start lock: a concurrent start waits, then uses ours.
  return withStartLock(
    dataDir,
    async () => {
      const existing = await runningInstance(dataDir);
      if (existing) return { ...pick({ ...existing, password: (await readPassword(dataDir)) ?? '', dataDir }), alreadyRunning: true };
      // The child reads the password from the data directory: never put it in argv.
      const { password } = await prepareDataDir(dataDir, options.password).catch(asUsageError);
      return { ...(await detach(ctx, options, password)), alreadyRunning: false };
    },
    startLockOptions(ctx, dataDir),
  );
}

function startLockOptions(ctx: Starter, dataDir: string) {
  return {
    timeoutMs: START_LOCK_TIMEOUT_MS,
    signal: ctx.signal,
    onWait: (pid: number | undefined) => ctx.out.info(`Another papi${pid ? ` (pid ${pid})` : ''} is starting papi local for ${dataDir}; waiting for it.`),
  };
}

/**
 * Serves papi local in this process until SIGTERM (a normal stop: resolves) or Ctrl-C (rejects with
 * CancelledError). `onReady` gets how to reach it. When one already runs for the data directory it
 * serves nothing and returns that one, like a detached start does: either way one is running.
 */
export async function serveForeground(ctx: Context, options: StartOptions & { onReady(running: Running): void }): Promise<Running | undefined> {
  const open = async () => {
    const existing = await runningInstance(options.dataDir);
    if (existing) return { existing: pick({ ...existing, password: (await readPassword(options.dataDir)) ?? '', dataDir: options.dataDir }) };
    return { local: await openLocal(options) };
  };
  const opened = await withStartLock(options.dataDir, open, startLockOptions(ctx, options.dataDir));
  if ('existing' in opened) return opened.existing;
  const { local } = opened;

  // SIGTERM (papi local stop, a supervisor) is a normal stop; Ctrl-C aborts ctx.signal (exit 130).
  let terminated = false;
  let onTerm = (): void => undefined;
  const stopped = new Promise<void>((resolve) => {
    onTerm = () => {
      terminated = true;
      resolve();
    };
    process.once('SIGTERM', onTerm);
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    options.onReady({ accessUrl: local.accessUrl, account: local.account, user: local.user, password: local.password, dataDir: options.dataDir, pid: process.pid });
    await stopped;
  } finally {
    process.off('SIGTERM', onTerm);
    await local.close();
  }
  if (!terminated) throw new CancelledError('papi local stopped (interrupted).');
  return undefined;
}

async function openLocal(options: StartOptions) {
  const { serveLocal } = await import('../local/index.js');
  return serveLocal({
    dataDir: options.dataDir,
    port: options.port,
    refuseHybridTables: options.behaviour.refuseHybridTables,
    refuseContainerServices: options.behaviour.refuseContainerServices ?? false,
    refuseHybridSwap: options.behaviour.refuseHybridSwap ?? false,
    ...(options.behaviour.schedulingDelaySeconds !== undefined ? { schedulingMs: options.behaviour.schedulingDelaySeconds * 1000 } : {}),
    ...(options.behaviour.endpointDelaySeconds !== undefined ? { endpointProvisioningMs: options.behaviour.endpointDelaySeconds * 1000 } : {}),
    ...(options.behaviour.oauthTokenSeconds !== undefined ? { oauthTokenSeconds: options.behaviour.oauthTokenSeconds } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  }).catch(asUsageError);
}

/**
 * Starts papi local as a detached process of its own (the bundled dist/papi-local.mjs, not the CLI)
 * and waits until it says it is ready on a pipe: no polling, and an early exit is seen at once.
 */
async function detach(ctx: Starter, options: StartOptions, password: string): Promise<Running> {
  const { dataDir, port, behaviour } = options;
  // The package's own entry, not process.argv[1]: papi may run inside another program (tests, papi up).
  const entry = packagePath('dist', BACKGROUND_ENTRY);
  const logFile = path.join(dataDir, LOG_FILE);
  const log = openSync(logFile, 'a', 0o600);
  const args = [entry, '--data-dir', dataDir, '--port', String(port), ...behaviourArgs(behaviour)];
  let child;
  try {
    child = spawn(process.execPath, args, {
      detached: true,
      // fd 3: the ready pipe (READY_FD_ENV names it).
      stdio: ['ignore', log, log, 'pipe'],
      cwd: ctx.cwd,
      env: localEnv({ ...process.env, ...definedOnly(ctx.env), NO_COLOR: '1', [READY_FD_ENV]: '3' }),
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new ToolError('Could not start papi local in the background.', { hint: `See ${logFile}.` });
  options.whileStarting?.(pid);
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  const pipe = child.stdio[3] as Readable;
  child.unref();
  const stop = () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };

  let text = '';
  pipe.setEncoding('utf8');
  pipe.on('data', (chunk: string) => (text += chunk));
  // The pipe closes when papi local has written its line, or when it exits before.
  const closed = new Promise<void>((resolve) => pipe.once('close', resolve));
  const timeout = AbortSignal.timeout(READY_TIMEOUT_MS);
  const waited = AbortSignal.any([ctx.signal, timeout]);
  try {
    await new Promise<void>((resolve, reject) => {
      if (waited.aborted) return reject(waited.reason as Error);
      waited.addEventListener('abort', () => reject(waited.reason as Error), { once: true });
      void closed.then(resolve);
    });
  } catch {
    stop();
    if (ctx.signal.aborted) throw new CancelledError('Interrupted while papi local was starting; it was stopped.');
    throw new ToolError(`papi local did not get ready within ${READY_TIMEOUT_MS / 1000} s; it was stopped.`, { hint: `See ${logFile}.` });
  } finally {
    pipe.destroy();
  }
  const ready = readyMessage(text);
  if (!ready || ready.pid !== pid) {
    // Its exit code, which comes soon after the pipe closed (the timer holds this process until then).
    const code = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000))]);
    throw new ToolError(`papi local exited before it was ready (exit code ${code ?? 'unknown'}).`, { hint: `Its output:\n${tail(logFile)}` });
  }
  return { ...ready, password, dataDir };
}

function readyMessage(text: string): ReadyMessage | undefined {
  try {
    return JSON.parse(text) as ReadyMessage;
  } catch {
    return undefined;
  }
}

export interface StopResult {
  dataDir: string;
  stopped: boolean;
  pid?: number;
}

/**
 * SIGTERM to the papi local of `dataDir`, then wait until it has shut down. Nothing running is not an
 * error. The pid in local.json is signalled only once it answers as that papi local: after a reboot
 * (or with a copied data directory) the pid may be any other process.
 */
export async function stopLocal(ctx: Context, dataDir: string): Promise<StopResult> {
  const running = await recordedInstance(dataDir);
  if (!running) return { dataDir, stopped: false };
  if (!(await confirmInstance(running, dataDir))) {
    if (!isAlive(running.pid)) return { dataDir, stopped: false }; // it ended while we asked
    throw new ToolError(
      `Not stopping pid ${running.pid}: it is not the papi local of ${dataDir} (nothing at ${running.accessUrl} answers as that papi local).`,
      {
        code: 'LOCAL_PID_NOT_OURS',
        hint:
          `${path.join(dataDir, 'local.json')} is left from a papi local that is gone (a reboot, a copied folder) and its pid now belongs to another process. ` +
          `If no papi local runs for this directory, delete that file; if one does and is stuck, check \`ps -p ${running.pid}\` before you kill it yourself.`,
      },
    );
  }
  process.kill(running.pid, 'SIGTERM');
  const gone = await poll(() => (isAlive(running.pid) ? undefined : true), { intervalMs: 50, timeoutMs: STOP_TIMEOUT_MS, signal: ctx.signal });
  if (!gone) throw new ToolError(`papi local (pid ${running.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s.`, { hint: `kill ${running.pid}` });
  return { dataDir, stopped: true, pid: running.pid };
}

/** The papi local running for `dataDir`; NotRunningError (exit 3) when none is. */
export async function localStatus(dataDir: string): Promise<LocalInstance> {
  const running = await runningInstance(dataDir);
  if (!running) throw new NotRunningError(`No papi local is running for ${dataDir}.`, { code: 'LOCAL_NOT_RUNNING', hint: 'Start one with `papi local start --detach`.' });
  return running;
}

/**
 * What `papi local start --detach` does, for a command that needs papi local and finds none running:
 * starts one with the default behaviour and returns once it is ready. A failure to start is exit 3,
 * like any target that cannot be reached (a data directory from a newer papi stays exit 2, Ctrl-C 130).
 */
export async function startInBackground(ctx: Starter, dataDir: string, port: number, whileStarting?: (pid: number) => void): Promise<Running> {
  const behaviour = { refuseHybridTables: false, refuseContainerServices: false, refuseHybridSwap: false };
  try {
    return await startDetached(ctx, { dataDir, port, behaviour, ...(whileStarting ? { whileStarting } : {}) });
  } catch (error) {
    if (error instanceof UsageError || error instanceof CancelledError || !(error instanceof PapiError)) throw error;
    throw new AuthError(`papi local did not start: ${error.message}`, { cause: error, ...(error.hint ? { hint: error.hint } : {}) });
  }
}

/** A data directory this papi cannot open is the user's to move or upgrade (exit 2), not a crash. */
function asUsageError(error: unknown): never {
  if (error instanceof DataDirError) throw new UsageError(error.message, { code: 'DATA_DIR_FORMAT' });
  throw error;
}

function behaviourArgs(behaviour: LocalBehaviour): string[] {
  return [
    ...(behaviour.refuseHybridTables ? ['--no-hybrid-tables'] : []),
    ...(behaviour.refuseContainerServices ? ['--no-spcs'] : []),
    ...(behaviour.refuseHybridSwap ? ['--no-hybrid-swap'] : []),
    ...(behaviour.schedulingDelaySeconds !== undefined ? ['--scheduling-delay', String(behaviour.schedulingDelaySeconds)] : []),
    ...(behaviour.endpointDelaySeconds !== undefined ? ['--endpoint-delay', String(behaviour.endpointDelaySeconds)] : []),
    ...(behaviour.oauthTokenSeconds !== undefined ? ['--oauth-token-lifetime', String(behaviour.oauthTokenSeconds)] : []),
  ];
}

function pick(running: Running): Running {
  const { accessUrl, account, user, password, dataDir, pid } = running;
  return { accessUrl, account, user, password, dataDir, pid };
}

/**
 * papi local's environment: the CLI's without NODE_EXTRA_CA_CERTS. papi local opens no TLS
 * connection of its own (the containers it runs get an environment of their own, launch.ts), and a
 * Node started with that variable reads and parses the bundle it names before anything else:
 * ~0.08 s of CPU on papi local's start with Debian's bundle, while the CLI waits for it.
 */
function localEnv(env: Record<string, string>): Record<string, string> {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
  } catch {
    return '(no output)';
  }
}
