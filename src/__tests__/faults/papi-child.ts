// The built bin/papi as a child process in a project folder, its stderr watched line by line (with the
// time each line arrived), so a test can act at a given step: kill papi local, send Ctrl-C, start a
// second command. Every wait is bounded.
import { execa, type ResultPromise } from 'execa';
import { packagePath } from '../../paths.js';

export interface PapiChild {
  pid: number;
  /** Stderr lines so far, with when they arrived (Date.now()). */
  lines: { at: number; text: string }[];
  stderr(): string;
  /** Resolves when a stderr line matches; rejects when the child exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Exit code (128 + N for signal N) and when it exited. */
  exited: Promise<{ code: number; at: number; stdout: string }>;
  kill(signal: NodeJS.Signals): void;
}

export function papiChild(argv: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): PapiChild {
  const child: ResultPromise = execa(process.execPath, [packagePath('bin', 'papi'), ...argv], {
    cwd: options.cwd,
    env: { CI: 'true', NO_COLOR: '1', ...options.env },
    reject: false,
    timeout: options.timeoutMs ?? 150_000,
  });
  const lines: { at: number; text: string }[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const text of parts) lines.push({ at: Date.now(), text });
    for (const wake of waiters) wake();
  });
  const exited = child.then((result) => {
    if (partial) lines.push({ at: Date.now(), text: partial });
    for (const wake of waiters) wake();
    return { code: result.exitCode ?? 128 + (result.signal === 'SIGKILL' ? 9 : result.signal === 'SIGINT' ? 2 : 15), at: Date.now(), stdout: String(result.stdout) };
  });
  let done = false;
  void exited.then(() => (done = true));
  return {
    pid: child.pid!,
    lines,
    stderr: () => lines.map((l) => l.text).join('\n'),
    exited,
    kill: (signal) => child.kill(signal),
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no stderr line matched ${pattern} within ${timeoutMs} ms:\n${lines.map((l) => l.text).join('\n')}`)), timeoutMs);
        const finish = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (lines.some((l) => pattern.test(l.text))) finish();
          else if (done) finish(new Error(`papi ${argv.join(' ')} exited before a stderr line matched ${pattern}:\n${lines.map((l) => l.text).join('\n')}`));
        };
        waiters.add(check);
        check();
      }),
  };
}
