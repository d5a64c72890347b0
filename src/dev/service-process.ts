// Runs the bundled service (service/dist/server.mjs, the file the image contains) as a child process
// of the host's node: `papi dev`, the service benchmarks and the end-to-end tests use it. Ready when
// the service logs its `listening` line; its JSON log lines are passed on to `onLog`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
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
}

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
  const child = spawn(process.execPath, [bundle], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const recent: string[] = [];
  let ready: ((port: number) => void) | undefined;
  const listen = (stream: NodeJS.ReadableStream) =>
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      options.onLog?.(line);
      const event = parseJson(line);
      if (event?.event === 'listening') ready?.(Number(event.port));
    });
  listen(child.stdout!);
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
      clearTimeout(timer);
      resolve(listening);
    };
    void exited.then((code) => {
      clearTimeout(timer);
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

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
