// papi setup makes the generated sample in a worker thread while papi local starts (#16.3): the
// worker is the built dist/data/sample-worker.js (needs `npm run build`), so the built module is used.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { packagePath } from '../paths.js';
import { createOutputDir, removeOutputDir } from './output.js';
import { writeSample } from './sample.js';

type Built = typeof import('./sample.js');
const built = (await import(packagePath('dist', 'data', 'sample.js'))) as Built;

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await removeOutputDir(dir);
});

async function files() {
  const out = await createOutputDir();
  dirs.push(out.dir);
  return out.files;
}

const digest = (paths: Record<string, string>) => Object.fromEntries(Object.entries(paths).map(([kind, path]) => [kind, createHash('sha256').update(readFileSync(path)).digest('hex')]));

describe('writeSampleInWorker', () => {
  it('writes the same files and counts in a worker as writeSample does here', async () => {
    expect(existsSync(packagePath('dist', 'data', 'sample-worker.js'))).toBe(true);
    const here = await files();
    const there = await files();
    const counts = await writeSample(here, { idFormat: 'alphanumeric' });
    expect(await built.writeSampleInWorker(there, { idFormat: 'alphanumeric' })).toEqual(counts);
    expect(digest(there)).toEqual(digest(here));
  }, 60_000);

  it('stops the worker when aborted, with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    const making = built.writeSampleInWorker(await files(), { size: '1m', signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(making).rejects.toBe(reason);
  }, 60_000);
});
