// Runs the built bin/papi in a real pseudo-terminal (python3's pty module: no native npm build), as a
// user's terminal would, and optionally types Ctrl-C once the output shows a given text.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { packagePath } from '../../paths.js';

const driver = fileURLToPath(new URL('./run-in-pty.py', import.meta.url));

export interface PtyRun {
  /** Exit code, 128+N for signal N, or undefined when the command outlived `timeoutS`. */
  code: number | undefined;
  /** Everything the terminal showed (stdout and stderr together), escape sequences included. */
  output: string;
}

export interface PtyOptions {
  cwd: string;
  env: Record<string, string>;
  /** The terminal's width; 0 plays a pty with no terminal behind it. */
  cols?: number;
  /** Type Ctrl-C once the output matches this (a Python regular expression). */
  interruptOn?: string;
  interrupts?: number;
  timeoutS?: number;
}

export async function runInPty(argv: string[], options: PtyOptions): Promise<PtyRun> {
  const timeoutS = options.timeoutS ?? 120;
  const args = [driver, '--cols', String(options.cols ?? 100), '--timeout', String(timeoutS)];
  if (options.interruptOn !== undefined) args.push('--interrupt-on', options.interruptOn, '--interrupts', String(options.interrupts ?? 1));
  const run = await execa('python3', [...args, '--', packagePath('bin', 'papi'), ...argv], {
    cwd: options.cwd,
    // Only what the test gives: no CI, NO_COLOR or FORCE_COLOR leaking in from the runner.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', ...options.env },
    extendEnv: false,
    reject: false,
    timeout: (timeoutS + 30) * 1000,
  });
  const match = /\n(EXIT (\d+)|TIMEOUT)\n?$/.exec(run.stdout);
  if (!match) throw new Error(`pty driver failed (${run.exitCode}): ${run.stderr}`);
  return { code: match[2] === undefined ? undefined : Number(match[2]), output: run.stdout.slice(0, match.index) };
}

/** The text a user would read: escape sequences removed, spinner redraws collapsed to their last frame. */
export function plain(output: string): string {
  return output
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    .split('\n')
    .map((line) => line.split('\r').filter(Boolean).pop() ?? '')
    .join('\n');
}
