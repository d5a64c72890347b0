// papi local start|stop|status: the local Snowflake as a foreground server, a detached background
// process (pid and address in <data dir>/local.json, output in <data dir>/local.log), and the two
// commands that find it again. The server itself is src/local (startLocal).
import { spawn } from 'node:child_process';
import { Option } from 'commander';
import { openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, ExitCode, PapiError, ToolError, UsageError } from '../ui/errors.js';
import type { Context } from './command.js';
import { packagePath } from '../paths.js';
import { defineCommand } from './command.js';

/** `papi local status` exits 3 when no local Snowflake runs for the data directory. */
export class NotRunningError extends PapiError {
  override readonly exitCode = ExitCode.auth;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

interface StartOptions {
  port?: string;
  dataDir?: string;
  password?: string;
  detach?: boolean;
  /** false with --no-hybrid-tables. */
  hybridTables?: boolean;
  endpointDelay?: string;
  /** Set by --detach on the child it starts: its output goes to a log file, so no password in it. */
  background?: boolean;
}

interface Running {
  accessUrl: string;
  account: string;
  user: string;
  password: string;
  dataDir: string;
  pid: number;
}

/** Every `papi local` subcommand works on one data directory. */
const DATA_DIR_OPTION = ['--data-dir <dir>', 'data directory (default: .papi/local)'] as const;

async function resolveDataDir(ctx: Context, flag: string | undefined): Promise<string> {
  if (flag !== undefined) return path.resolve(ctx.cwd, flag);
  return path.resolve(ctx.cwd, (await ctx.config()).local.dataDir);
}

async function resolvePort(ctx: Context, flag: string | undefined): Promise<number> {
  if (flag === undefined) return (await ctx.config()).local.port;
  const port = Number(flag);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a port number (0-65535), got "${flag}"`);
  return port;
}

function describe(running: Running, footer: string): string {
  return [
    `papi local is running (pid ${running.pid})`,
    `  account URL  ${running.accessUrl}`,
    `  account      ${running.account}`,
    `  user         ${running.user}`,
    `  password     ${running.password}`,
    `  data dir     ${running.dataDir}`,
    '',
    'Connect with snowflake-sdk: { account, accessUrl, username, password } as above.',
    footer,
  ].join('\n');
}

const start = defineCommand<StartOptions>({
  name: 'start',
  summary: 'Start the local Snowflake (foreground; --detach to run in the background)',
  description:
    'Serves the SQL API, OAuth, the image registry and service endpoints on 127.0.0.1 until Ctrl-C (exit 130) ' +
    'or SIGTERM (exit 0). With --json it prints exactly one line, a JSON object with accessUrl, account, user, ' +
    'password, dataDir and pid, once it is ready. The admin password is generated on first start and kept ' +
    '(mode 0600) in the data directory.',
  examples: [
    { command: 'papi local start', description: 'serve on 127.0.0.1 and print how to connect' },
    { command: 'papi local start --detach', description: 'run in the background (pid file in the data directory)' },
    { command: 'papi local start --json', description: 'one line of JSON with accessUrl, account, user, password' },
  ],
  options(command) {
    command
      .option('--port <port>', 'port (default: a free one)')
      .option(...DATA_DIR_OPTION)
      .option('--password <password>', 'admin password (default: generated and stored 0600)')
      .option('--detach', 'run in the background')
      .option('--no-hybrid-tables', 'refuse CREATE HYBRID TABLE like a trial account does (to try `papi setup --table-type standard`)')
      .option('--endpoint-delay <seconds>', 'how long new endpoints stay "provisioning" (SPCS takes minutes; default 2)')
      .addOption(new Option('--background').hideHelp());
  },
  async run(ctx, _args, options) {
    const dataDir = await resolveDataDir(ctx, options.dataDir);
    const port = await resolvePort(ctx, options.port);
    const behaviour = localBehaviour(options);
    const { runningInstance, ensureDataDir, ensurePassword } = await import('../local/state.js');
    const existing = await runningInstance(dataDir);
    if (options.detach) {
      await ensureDataDir(dataDir);
      // The child reads the password from the data directory: never put it in argv.
      const password = await ensurePassword(dataDir, options.password);
      if (existing) {
        const running = { ...existing, password, dataDir };
        return { data: { ...pick(running), alreadyRunning: true }, human: describe(running, 'It was already running. Stop it with `papi local stop`.') };
      }
      const running = await detach(ctx, dataDir, port, password, behaviour);
      return { data: pick(running), human: describe(running, `Stop it with \`papi local stop${options.dataDir ? ` --data-dir ${options.dataDir}` : ''}\`; its log is ${path.join(dataDir, 'local.log')}.`) };
    }
    if (existing) {
      throw new UsageError(`papi local is already running for ${dataDir} (pid ${existing.pid}, ${existing.accessUrl}).`, {
        hint: 'Use it (`papi local status`), stop it (`papi local stop`), or pick another --data-dir.',
      });
    }
    await serveInForeground(ctx, dataDir, port, options.password, options.background ?? false, behaviour);
  },
});

/** How this papi local differs from the defaults (flags of `start`, passed on to a detached child). */
interface LocalBehaviour {
  refuseHybridTables: boolean;
  endpointDelaySeconds?: number;
}

function localBehaviour(options: StartOptions): LocalBehaviour {
  let endpointDelaySeconds: number | undefined;
  if (options.endpointDelay !== undefined) {
    endpointDelaySeconds = Number(options.endpointDelay);
    if (!/^\d+(\.\d+)?$/.test(options.endpointDelay) || endpointDelaySeconds > 3600)
      throw new UsageError(`--endpoint-delay: "${options.endpointDelay}" is not a number of seconds from 0 to 3600`);
  }
  return { refuseHybridTables: options.hybridTables === false, ...(endpointDelaySeconds !== undefined ? { endpointDelaySeconds } : {}) };
}

function behaviourArgs(behaviour: LocalBehaviour): string[] {
  return [
    ...(behaviour.refuseHybridTables ? ['--no-hybrid-tables'] : []),
    ...(behaviour.endpointDelaySeconds !== undefined ? ['--endpoint-delay', String(behaviour.endpointDelaySeconds)] : []),
  ];
}

function pick(running: Running): Running {
  const { accessUrl, account, user, password, dataDir, pid } = running;
  return { accessUrl, account, user, password, dataDir, pid };
}

async function serveInForeground(
  ctx: Context,
  dataDir: string,
  port: number,
  password: string | undefined,
  background: boolean,
  behaviour: LocalBehaviour,
): Promise<void> {
  const { startLocal } = await import('../local/index.js');
  const { writeLocalState, removeLocalState } = await import('../local/state.js');
  const local = await startLocal({
    dataDir,
    port,
    refuseHybridTables: behaviour.refuseHybridTables,
    ...(behaviour.endpointDelaySeconds !== undefined ? { endpointProvisioningMs: behaviour.endpointDelaySeconds * 1000 } : {}),
    ...(password !== undefined ? { password } : {}),
  });
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
    await writeLocalState(dataDir, {
      pid: process.pid,
      accessUrl: local.accessUrl,
      account: local.account,
      user: local.user,
      port: local.port,
      dataDir,
      startedAt: new Date().toISOString(),
    });
    const running: Running = { accessUrl: local.accessUrl, account: local.account, user: local.user, password: local.password, dataDir, pid: process.pid };
    // Printed now, not as the command's result: the command goes on serving.
    if (background) ctx.out.raw(`${new Date().toISOString()} papi local ready at ${running.accessUrl} (pid ${running.pid}, data ${dataDir})\n`);
    else if (ctx.out.json) ctx.out.raw(`${JSON.stringify(pick(running))}\n`);
    else ctx.out.raw(`${describe(running, 'Stop it with Ctrl-C.')}\n`);
    await stopped;
  } finally {
    process.off('SIGTERM', onTerm);
    await local.close();
    await removeLocalState(dataDir, process.pid);
  }
  if (!terminated) throw new CancelledError('papi local stopped (interrupted).');
}

/** Starts `papi local start` as a background process and waits until it is ready. */
async function detach(ctx: Context, dataDir: string, port: number, password: string, behaviour: LocalBehaviour): Promise<Running> {
  const { readLocalState, isAlive, LOG_FILE } = await import('../local/state.js');
  // The package's own entry, not process.argv[1]: papi may run inside another program (tests, papi up).
  const entry = packagePath('bin', 'papi');
  const logFile = path.join(dataDir, LOG_FILE);
  const log = openSync(logFile, 'a', 0o600);
  let child;
  try {
    child = spawn(process.execPath, [entry, 'local', 'start', '--background', '--data-dir', dataDir, '--port', String(port), ...behaviourArgs(behaviour)], {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: ctx.cwd,
      env: { ...process.env, ...definedOnly(ctx.env), NO_COLOR: '1' },
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new ToolError('Could not start papi local in the background.', { hint: `See ${logFile}.` });
  let exitCode: number | null = null;
  child.once('exit', (code) => (exitCode = code ?? -1));
  child.unref();

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (ctx.signal.aborted) {
      process.kill(pid, 'SIGTERM');
      throw new CancelledError('Interrupted while papi local was starting; it was stopped.');
    }
    const state = await readLocalState(dataDir);
    if (state && state.pid === pid) {
      return { accessUrl: state.accessUrl, account: state.account, user: state.user, password, dataDir, pid };
    }
    if (exitCode !== null || !isAlive(pid)) {
      throw new ToolError(`papi local exited before it was ready (exit code ${exitCode ?? 'unknown'}).`, { hint: `Its output:\n${tail(logFile)}` });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(pid, 'SIGTERM');
  throw new ToolError(`papi local did not get ready within ${READY_TIMEOUT_MS / 1000} s; it was stopped.`, { hint: `See ${logFile}.` });
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

const stop = defineCommand<{ dataDir?: string }>({
  name: 'stop',
  summary: 'Stop a detached local Snowflake',
  description: 'Sends SIGTERM to the papi local recorded in <data dir>/local.json and waits until it has shut down. Nothing running is not an error.',
  examples: [
    { command: 'papi local stop', description: 'stop the one in .papi/local' },
    { command: 'papi local stop --data-dir /tmp/p', description: 'stop the one serving another data directory' },
  ],
  options(command) {
    command.option(...DATA_DIR_OPTION);
  },
  async run(ctx, _args, options) {
    const dataDir = await resolveDataDir(ctx, options.dataDir);
    const { runningInstance, isAlive, removeLocalState } = await import('../local/state.js');
    const running = await runningInstance(dataDir);
    if (!running) return { data: { dataDir, stopped: false, running: false }, human: `No papi local is running for ${dataDir}.` };
    process.kill(running.pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isAlive(running.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (isAlive(running.pid)) throw new ToolError(`papi local (pid ${running.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s.`, { hint: `kill ${running.pid}` });
    await removeLocalState(dataDir, running.pid);
    return { data: { dataDir, stopped: true, pid: running.pid }, human: `Stopped papi local (pid ${running.pid}) for ${dataDir}.` };
  },
});

const status = defineCommand<{ dataDir?: string }>({
  name: 'status',
  summary: 'Tell whether a local Snowflake is running and how to reach it',
  description: 'Exit code 0 when one is running for the data directory, 3 when none is.',
  examples: [
    { command: 'papi local status --json', description: 'accessUrl, account, user, pid, dataDir' },
    { command: 'papi local status && echo up', description: 'exit code 0 running, 3 not running' },
  ],
  options(command) {
    command.option(...DATA_DIR_OPTION);
  },
  async run(ctx, _args, options) {
    const dataDir = await resolveDataDir(ctx, options.dataDir);
    const { runningInstance } = await import('../local/state.js');
    const running = await runningInstance(dataDir);
    if (!running) {
      throw new NotRunningError(`No papi local is running for ${dataDir}.`, { code: 'LOCAL_NOT_RUNNING', hint: 'Start one with `papi local start --detach`.' });
    }
    const { accessUrl, account, user, pid, port, startedAt } = running;
    return {
      data: { running: true, accessUrl, account, user, pid, port, dataDir, startedAt },
      human: [`papi local is running (pid ${pid}) since ${startedAt}`, `  account URL  ${accessUrl}`, `  account      ${account}`, `  user         ${user}`, `  data dir     ${dataDir}`].join('\n'),
    };
  },
});

export default defineCommand({
  name: 'local',
  summary: 'papi local: a local Snowflake for offline development and tests',
  description:
    'A single Node process that the real snowflake-sdk talks to: SQL API with password, key-pair and ' +
    'OAuth logins, a DuckDB engine behind a Snowflake dialect translator, stages, hybrid tables, an image ' +
    'registry, SPCS services run as local processes, and an ingress that checks tokens.',
  examples: [
    { command: 'papi local start', description: 'start in the foreground' },
    { command: 'papi local status', description: 'is one running? (exit 0 yes, 3 no)' },
  ],
  subcommands: [start, stop, status],
});
