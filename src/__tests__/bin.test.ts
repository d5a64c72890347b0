// Black-box: the built binary, run as a user would (npm test builds it first).
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const papi = fileURLToPath(new URL('../../bin/papi', import.meta.url));
const env = { NO_COLOR: undefined, FORCE_COLOR: undefined, CI: 'true' };

describe('bin/papi', () => {
  it('answers --help', async () => {
    const run = await execa(papi, ['--help'], { env, reject: false });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: papi');
    expect(run.stderr).toBe('');
  });

  it('exits 2 with the message on stderr for an unknown command', async () => {
    const run = await execa(papi, ['nope'], { env, reject: false });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("unknown command 'nope'");
  });

  it('colours errors only when asked, and NO_COLOR wins', async () => {
    // Invalid ids are a usage error rendered by papi's output module.
    const piped = await execa(papi, ['get', 'abc'], { env, reject: false });
    expect(piped.stderr).toMatch(/^error: /);
    const forced = await execa(papi, ['get', 'abc'], { env: { ...env, FORCE_COLOR: '1' }, reject: false });
    expect(forced.stderr).toMatch(/\u001b\[/);
    const plain = await execa(papi, ['get', 'abc'], { env: { ...env, NO_COLOR: '1', FORCE_COLOR: '1' }, reject: false });
    expect(plain.stderr).toMatch(/^error: /);
    expect(plain.exitCode).toBe(forced.exitCode);
  });

  it('survives a reader that closes the pipe early', async () => {
    const run = await execa('bash', ['-c', `"${papi}" --help | head -1`], { env, reject: false });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe('Usage: papi [options] [command]');
    expect(run.stderr).toBe('');
  });
});

describe('bin/papi help and hints', () => {
  it.each(['deploy', 'token', 'doctor'])('papi %s --help wraps its description as paragraphs (no short broken lines)', async (name) => {
    const run = await execa(papi, [name, '--help'], { env, reject: false });
    const description = run.stdout.split('\n\n')[2]!;
    const lines = description.split('\n');
    // Every line but the paragraph's last is filled by the wrapping (commander wraps at 80 columns).
    for (const line of lines.slice(0, -1)) expect(line.length, description).toBeGreaterThan(60);
  });

  it('a newer papi.yaml says how to update papi from this project, not `npm i -g papi` (another package)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/papi-bin-`);
    writeFileSync(`${dir}/papi.yaml`, 'version: 2\n');
    const run = await execa(papi, ['setup', '--dry-run'], { env, cwd: dir, reject: false });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/newer papi/);
    expect(run.stderr).not.toMatch(/npm i -g papi/);
  });
});

describe('bin/papi get with ids as separate arguments', () => {
  it('says to separate ids with commas (exit 2)', async () => {
    const run = await execa(papi, ['get', '22', '196'], { env, reject: false });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/too many arguments/);
    expect(run.stderr).toContain('papi get 22,196');
  });
});
