// Ctrl-C during papi deploy, in a real terminal (#13.8): during the image build and push, and while
// deploy waits for the service. Each exits 130 without an error, and a rerun completes with the
// service answering. (Ctrl-C during papi setup, in a terminal and in a pipe, with a rerun that
// completes: src/__tests__/terminal.test.ts, in the main suite.)
import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../paths.js';
import { tempDir } from '../support/cli.js';
import { plain, runInPty } from '../support/pty.js';
import { writeDataSet } from './data-set.js';

const project = tempDir('papi-faults-ctrl-c-');
const env = { HOME: project, XDG_CACHE_HOME: join(project, 'cache') };
const inPipe = (...argv: string[]) =>
  execa(process.execPath, [packagePath('bin', 'papi'), ...argv], { cwd: project, env: { ...env, CI: 'true', NO_COLOR: '1' }, reject: false, timeout: 150_000 });

beforeAll(async () => {
  const run = await inPipe('setup', '--data', writeDataSet(join(project, 'data'), 200).dir);
  if (run.exitCode !== 0) throw new Error(`setup failed (${run.exitCode}):\n${run.stderr}`);
}, 170_000);

afterAll(async () => {
  await inPipe('local', 'stop');
  await rm(project, { recursive: true, force: true });
}, 60_000);

describe('Ctrl-C during papi deploy', () => {
  it.each([
    ['the image build and push', 'Build and push'],
    ['the wait for the service', 'Wait for the (service to be ready|upgrade to finish)'],
  ])('during %s: exit 130, no error, and a rerun completes', async (_name, step) => {
    const run = await runInPty(['deploy'], { cwd: project, env, interruptOn: step, timeoutS: 120 });
    const shown = plain(run.output);
    expect(run.code, shown).toBe(130);
    expect(shown).toContain('Interrupted');
    expect(shown).not.toMatch(/error:/);
    expect(shown).not.toMatch(/Service (created|upgraded)/);

    const rerun = await inPipe('deploy');
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    const got = await inPipe('get', '22', '--json');
    expect(got.exitCode, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject([{ USER_ID: 22 }]);
  }, 170_000);
});
