// Two `papi setup` at once on one project (#13.8): the second says it waits for the first (pid and
// command) and waits — its steps start only after the first has exited, never interleaved — and one
// that may wait only 1 s (PAPI_SETUP_LOCK_TIMEOUT) gives up with exit 4 naming the holder.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { papiChild } from './papi-child.js';

const project = tempDir('papi-faults-lock-');
const env = { HOME: project, XDG_CACHE_HOME: join(project, 'cache') };

afterAll(async () => {
  await papiChild(['local', 'stop'], { cwd: project, env }).exited;
  await rm(project, { recursive: true, force: true });
}, 60_000);

describe('two papi setup at once on one project', () => {
  it('the second waits for the first and never interleaves; a short timeout exits 4 naming the holder', async () => {
    const first = papiChild(['setup'], { cwd: project, env });
    await first.waitFor(/✓ Create roles/);

    const impatient = papiChild(['setup'], { cwd: project, env: { ...env, PAPI_SETUP_LOCK_TIMEOUT: '1' } });
    const impatientDone = await impatient.exited;
    const patient = papiChild(['setup'], { cwd: project, env: { ...env, PAPI_SETUP_LOCK_TIMEOUT: '120' } });
    await patient.waitFor(/Waiting for another papi setup/, 30_000);

    const [firstDone, patientDone] = await Promise.all([first.exited, patient.exited]);
    expect(firstDone.code, first.stderr()).toBe(0);
    expect(patientDone.code, patient.stderr()).toBe(0);

    const holder = new RegExp(`another papi setup \\(pid ${first.pid}, \`papi setup\`\\)`);
    expect(patient.stderr()).toMatch(holder);
    // Its first step ran after the first setup had exited.
    const firstStep = patient.lines.find((l) => l.text.startsWith('✓'));
    expect(firstStep, patient.stderr()).toBeDefined();
    expect(firstStep!.at).toBeGreaterThanOrEqual(firstDone.at);
    expect(patient.stderr()).toMatch(/Everything was already set up|unchanged/);

    expect(impatientDone.code, impatient.stderr()).toBe(4);
    expect(impatient.stderr()).toMatch(new RegExp(`Gave up after 1 s: another papi setup \\(pid ${first.pid}, \`papi setup\`\\) is still running on this project`));
    expect(impatient.stderr()).not.toMatch(/✓/);
  }, 170_000);
});
