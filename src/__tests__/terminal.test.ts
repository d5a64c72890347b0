// papi in a real terminal (a pty), as users run it: Ctrl-C stops a command that shows a spinner, a
// terminal that reports no width gets plain lines, and --no-color / NO_COLOR hold for spinners too.
// Runs the built bin/papi against papi local in a temp project.
import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../paths.js';
import { tempDir } from './support/cli.js';
import { plain, runInPty } from './support/pty.js';

const project = tempDir('papi-tty-');
const home = tempDir('papi-tty-home-');
const env = { HOME: home, XDG_CACHE_HOME: join(project, 'cache') };
const papi = packagePath('bin', 'papi');
const inPipe = (...argv: string[]) => execa(papi, argv, { cwd: project, env: { ...env, CI: 'true', NO_COLOR: '1' }, reject: false });
/** SGR sequences: colour, dim, bold. */
const COLOUR = /\u001b\[\d+(;\d+)*m/;

let firstSetup = '';

beforeAll(async () => {
  const run = await inPipe('setup');
  if (run.exitCode !== 0) throw new Error(`setup failed (${run.exitCode}):\n${run.stderr}`);
  firstSetup = run.stderr;
}, 180_000);

afterAll(async () => {
  await inPipe('local', 'stop');
  await rm(project, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
}, 60_000);

describe('papi in a terminal', () => {
  it('one Ctrl-C stops setup --force at once with exit 130, and a rerun completes', async () => {
    const run = await runInPty(['setup', '--force'], { cwd: project, env, interruptOn: 'Load ratings', timeoutS: 90 });
    expect(run.code, plain(run.output)).toBe(130);
    expect(plain(run.output)).toContain('Interrupted');
    // Ctrl-C is the user's choice: no red "error:".
    expect(plain(run.output)).not.toMatch(/error:/);
    expect(plain(run.output)).not.toMatch(/Set up on|Next: papi deploy/);
    const rerun = await inPipe('setup', '--force');
    expect(rerun.exitCode, rerun.stderr).toBe(0);
  }, 240_000);

  it('in a pipe, the first SIGINT stops setup with exit 130', async () => {
    const child = execa(papi, ['setup', '--force'], { cwd: project, env: { ...env, CI: 'true', NO_COLOR: '1' }, reject: false });
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // Steps print when they end: the data phase has begun once the stage folders are cleared.
        if (stderr.includes('Clear the stage folders')) resolve();
      });
      void child.then(() => resolve());
    });
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.stderr).not.toMatch(/Set up on/);
  }, 240_000);

  it('a terminal that reports 0 columns gets plain step lines and setup finishes', async () => {
    const run = await runInPty(['setup'], { cwd: project, env, cols: 0, timeoutS: 90 });
    expect(run.code, plain(run.output).slice(-2000)).toBe(0);
    expect(run.output).toMatch(/✓ Create roles/);
    // No spinner: no hidden cursor, no line erasing.
    expect(run.output).not.toMatch(/\u001b\[\?25l|\u001b\[0K/);
  }, 180_000);

  it.each([
    ['--no-color', ['--no-color', 'setup'], {}],
    ['NO_COLOR=1', ['setup'], { NO_COLOR: '1' }],
  ])('%s: no colour in a terminal, spinners and step marks included', async (_name, argv, extra) => {
    const run = await runInPty(argv, { cwd: project, env: { ...env, ...extra }, timeoutS: 90 });
    expect(run.code, plain(run.output)).toBe(0);
    expect(run.output).toMatch(/Create roles/);
    expect(run.output).not.toMatch(COLOUR);
  }, 180_000);

  it('colours a terminal by default (the check above can fail)', async () => {
    const run = await runInPty(['setup'], { cwd: project, env, timeoutS: 90 });
    expect(run.code).toBe(0);
    expect(run.output).toMatch(COLOUR);
  }, 180_000);
});

describe('what a new user reads', () => {
  it('a created step does not repeat its title ("Create roles created")', () => {
    expect(firstSetup).toMatch(/✓ Create roles \(/);
    expect(firstSetup).not.toMatch(/Create roles created/);
  });

  it('one unchanged step is "1 step"', async () => {
    const run = await inPipe('setup', '--only', 'publish');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/: 1 step unchanged/);
  }, 120_000);

  it('status before deploy says setup and deploy create the service', async () => {
    const run = await inPipe('status');
    expect(run.stdout + run.stderr).toMatch(/does not exist\. Create it with: papi setup && papi deploy/);
  }, 120_000);

  it('papi token before deploy does not suggest --url, which it rejects', async () => {
    const run = await inPipe('token');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/papi deploy/);
    expect(run.stderr).not.toMatch(/--url/);
  }, 120_000);

  it('logs --follow ends with exit 130 on Ctrl-C', async () => {
    const deployed = await inPipe('deploy');
    expect(deployed.exitCode, deployed.stderr).toBe(0);
    const child = execa(papi, ['logs', '--follow'], { cwd: project, env: { ...env, CI: 'true', NO_COLOR: '1' }, reject: false });
    // The first lines are shown before following starts.
    await new Promise<void>((resolve) => {
      child.stdout!.once('data', () => resolve());
      void child.then(() => resolve());
    });
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode, run.stderr).toBe(130);
    expect(run.stderr).not.toMatch(/error:/);
  }, 240_000);

  it('one Ctrl-C stops papi bench at once with exit 130 and prints the report so far (#17.1)', async () => {
    // Deployed by the test above; a run that would take a minute, interrupted once it has sent some.
    const run = await runInPty(['bench', '--rate', '50', '--duration', '60'], { cwd: project, env, interruptOn: 'answered', timeoutS: 90 });
    expect(run.code, plain(run.output)).toBe(130);
    expect(plain(run.output)).toMatch(/interrupted/i);
    expect(plain(run.output)).toMatch(/p50/);
    expect(plain(run.output)).not.toMatch(/error:/);
  }, 240_000);

  it('one Ctrl-C stops papi up during its deploy with exit 130, and a rerun completes (#17.1)', async () => {
    const run = await runInPty(['up'], { cwd: project, env, interruptOn: 'Find the image repository', timeoutS: 120 });
    expect(run.code, plain(run.output)).toBe(130);
    expect(plain(run.output)).toContain('Interrupted');
    expect(plain(run.output)).not.toMatch(/error:/);
    const rerun = await inPipe('up');
    expect(rerun.exitCode, rerun.stderr).toBe(0);
  }, 300_000);
});
