// papi dev's option checks, in-process: a bad --port is a usage error (exit 2) before anything starts.
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

describe('papi dev --port', () => {
  it.each(['abc', '-1', '65536', '1e3', '80.5', ''])('refuses %j with exit 2 and starts nothing', async (port) => {
    const run = await runCli(['dev', '--port', port]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--port');
    expect(run.stderr).not.toContain('papi local');
    expect(run.stdout).toBe('');
  });
});
