import { describe, expect, it } from 'vitest';
import { ConfigError, SnowflakeError } from './errors.js';
import { Output } from './output.js';

function collect(isTTY = false) {
  let text = '';
  return { stream: { write: (chunk: string) => (text += chunk), isTTY }, text: () => text };
}

function output(json: boolean, verbose = false) {
  const stdout = collect();
  const stderr = collect();
  const out = new Output({ stdout: stdout.stream, stderr: stderr.stream, json, verbose, colorLevel: 0, spinners: false });
  return { out, stdout: stdout.text, stderr: stderr.text };
}

describe('Output', () => {
  it('prints the human result on stdout and progress on stderr', async () => {
    const { out, stdout, stderr } = output(false);
    await out.task('Create roles', async () => 2, (n) => `${n} created`);
    out.result({ ok: true }, 'done');
    expect(stdout()).toBe('done\n');
    expect(stderr()).toMatch(/^✓ Create roles 2 created \(\d+ms\)\n$/);
  });

  it('prints exactly one JSON document and no progress with --json', async () => {
    const { out, stdout, stderr } = output(true);
    await out.task('Create roles', async () => undefined);
    out.info('hello');
    out.result({ ok: true, n: 1 }, 'ignored');
    expect(JSON.parse(stdout())).toEqual({ ok: true, n: 1 });
    expect(stderr()).toBe('');
  });

  it('refuses a second result', () => {
    const { out } = output(false);
    out.result(1, 'one');
    expect(() => out.result(2, 'two')).toThrow(/two results/);
  });

  it('reports a failed step and rethrows', async () => {
    const { out, stderr } = output(false);
    await expect(
      out.task('Load data', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(stderr()).toMatch(/^✗ Load data/);
  });

  it('renders a known error with its hint and no stack', () => {
    const { out, stderr, stdout } = output(false);
    out.error(new ConfigError('papi.yaml is broken', { hint: 'fix it' }));
    expect(stdout()).toBe('');
    expect(stderr()).toBe('error: papi.yaml is broken\nhint: fix it\n');
  });

  it('renders an error as the JSON document with --json', () => {
    const { out, stdout } = output(true);
    out.error(new SnowflakeError('Object does not exist', '002003', '42S02'));
    expect(JSON.parse(stdout())).toEqual({
      error: { code: 'SNOWFLAKE_ERROR', message: 'Object does not exist', snowflakeCode: '002003', sqlState: '42S02' },
    });
  });

  it('calls an unknown error a bug and shows the stack only with --verbose', () => {
    const quiet = output(false);
    quiet.out.error(new TypeError('x is undefined'));
    expect(quiet.stderr()).toContain('unexpected: x is undefined');
    expect(quiet.stderr()).toContain('--verbose');
    const loud = output(false, true);
    loud.out.error(new TypeError('x is undefined'));
    expect(loud.stderr()).toContain('at ');
  });

  it('debug lines appear only with --verbose', () => {
    const quiet = output(false);
    quiet.out.debug('detail');
    expect(quiet.stderr()).toBe('');
    const loud = output(false, true);
    loud.out.debug('detail');
    expect(loud.stderr()).toBe('detail\n');
  });
});
