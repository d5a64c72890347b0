// Runs the bundled service (service/dist/server.mjs, the file the image contains) as a child process
// of the host's node: `papi dev`, the service benchmarks and the end-to-end tests use it. Ready when
// the service logs its `listening` line; its JSON log lines are passed on to `onLog`. With `logFile`
// the service writes its stdout straight into that file (papi dev): no process relays its request
// log, so a busy papi dev cannot slow the service; the file is read for the `listening` line, and
// followed for onLog only when there is one.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { packagePath } from '../paths.js';
import { PapiError, ToolError, UsageError } from '../ui/errors.js';

export interface ServiceProcessOptions {
  /** Environment for the service (SNOWFLAKE_*, PAPI_*, PORT); nothing of papi's own env leaks in. */
  env: Record<string, string>;
  /** Called with each line the service writes (JSON log lines). */
  onLog?: (line: string) => void;
  signal?: AbortSignal;
  /** How long to wait for the `listening` line. */
  readyTimeoutMs?: number;
  /** The bundle to run (default: the package's service/dist/server.mjs). */
  bundle?: string;
  /** The service's stdout is appended to this file (created 0600) instead of a pipe; two services may share it. */
  logFile?: string;
}

/** How often the log file is read while waiting for the service, and after it when followed. */
const LOG_POLL_MS = 50;
const LOG_FOLLOW_MS = 250;

export interface ServiceProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function serviceBundlePath(): string {
  return packagePath('service', 'dist', 'server.mjs');
}

export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const bundle = options.bundle ?? serviceBundlePath();
  if (!existsSync(bundle))
    throw new PapiError(`the service bundle ${bundle} is missing`, { code: 'BUNDLE_MISSING', hint: 'Run `npm run build` in the papi folder.' });
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a', 0o600);
  // Only what this service appends is read: from the file's end as it is now.
  const logStart = logFd === undefined ? 0 : fstatSync(logFd).size;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [bundle], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', logFd ?? 'pipe', 'pipe'],
    });
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const recent: string[] = [];
  let ready: ((port: number) => void) | undefined;
  let isReady = false;
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    options.onLog?.(line);
    // Only the `listening` line matters here, once: request lines (thousands a second under load) are not parsed.
    if (isReady || !line.includes('"listening"')) return;
    const event = parseJson(line);
    if (event?.event === 'listening') ready?.(Number(event.port));
  };
  const listen = (stream: NodeJS.ReadableStream) => createInterface({ input: stream }).on('line', onLine);
  if (options.logFile === undefined) listen(child.stdout!);
  const following =
    options.logFile === undefined
      ? Promise.resolve()
      : followFile(options.logFile, logStart, onLine, () => child.exitCode !== null || child.signalCode !== null || (isReady && !options.onLog)).catch(() => undefined);
  listen(child.stderr!);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const onAbort = () => void stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(failure('did not start listening in time')), options.readyTimeoutMs ?? 15_000);
    ready = (listening) => {
      isReady = true;
      clearTimeout(timer);
      resolve(listening);
    };
    void exited.then(async (code) => {
      clearTimeout(timer);
      await following; // its last lines, the reason included
      reject(failure(`exited with code ${code} before it was ready`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const host = options.env.PAPI_HOST && options.env.PAPI_HOST !== '0.0.0.0' ? options.env.PAPI_HOST : '127.0.0.1';
  return { url: `http://${host}:${port}`, port, child, exited, stop };

  function failure(what: string): PapiError {
    // Another papi dev (or any program) on the port: say so plainly instead of passing on the raw error.
    if (recent.some((line) => /EADDRINUSE/.test(line)))
      return new UsageError(`port ${options.env.PORT ?? '?'} is already in use (another papi dev, or another program, listens there)`, {
        code: 'PORT_IN_USE',
        hint: 'Stop the other one, or pick another port: papi dev --port <port> (0 picks a free one).',
      });
    return new ToolError(`the service ${what}`, {
      code: 'SERVICE_FAILED',
      hint: recent.length ? `Its last output:\n${recent.join('\n')}` : 'Run again with --verbose to see its log.',
    });
  }
}

/** Reads the lines appended to path, polling, until done() says to stop. */
async function followFile(path: string, start: number, onLine: (line: string) => void, done: () => boolean): Promise<void> {
  const file = await openFile(path, 'r');
  try {
    let offset = start;
    let partial = '';
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const finished = done(); // checked before the read, so the last lines are read once more
      const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
      if (bytesRead > 0) {
        offset += bytesRead;
        const lines = (partial + buffer.toString('utf8', 0, bytesRead)).split('\n');
        partial = lines.pop()!;
        lines.forEach(onLine);
        continue;
      }
      if (finished) return;
      await new Promise((resolve) => setTimeout(resolve, done() ? 0 : offset > start ? LOG_FOLLOW_MS : LOG_POLL_MS));
    }
  } finally {
    await file.close();
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
