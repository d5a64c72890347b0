// Runs papi in-process, as the entry does, with collected output and a temp HOME by default.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  tty?: boolean;
}

export function tempDir(prefix = 'papi-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function runCli(argv: string[], options: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ownHome = options.env?.HOME === undefined;
  const home = options.env?.HOME ?? tempDir('papi-home-');
  const cwd = options.cwd ?? tempDir();
  const code = await main(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk), isTTY: options.tty ?? false },
    stderr: { write: (chunk: string) => (stderr += chunk), isTTY: options.tty ?? false },
    env: { HOME: home, SNOWFLAKE_HOME: join(home, '.snowflake'), ...options.env },
    cwd,
    stdinIsTTY: options.tty ?? false,
  });
  // Temp folders made here are removed here; a test's own folders are the test's to remove.
  if (ownHome) rmSync(home, { recursive: true, force: true });
  if (options.cwd === undefined) rmSync(cwd, { recursive: true, force: true });
  return { code, stdout, stderr };
}
