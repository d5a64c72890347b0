// papi local's disk full (#13.8): its data directory on a small tmpfs (mounting needs root: without it
// the test is skipped and says why), filled up to a few KB. The next setup fails with an error that
// says the disk is full; papi local keeps serving reads of the published table (the old one, whole);
// once space is back, the next setup completes — without restarting papi local.
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInstance, readPassword } from '../../local/index.js';
import { packagePath } from '../../paths.js';
import { connect } from '../../snowflake/driver.js';
import { tempDir } from '../support/cli.js';
import { writeDataSet } from './data-set.js';

const project = tempDir('papi-faults-disk-');
const disk = join(project, 'disk');
const dataDir = join(disk, 'local');
const env = { HOME: project, XDG_CACHE_HOME: join(project, 'cache'), CI: 'true', NO_COLOR: '1', PAPI_LOCAL_DIR: dataDir };
const papi = (...argv: string[]) => execa(process.execPath, [packagePath('bin', 'papi'), ...argv], { cwd: project, env, reject: false, timeout: 150_000 });
const A = writeDataSet(join(project, 'a'), 200);
const B = writeDataSet(join(project, 'b'), 400);

/** Mounts a 32 MB tmpfs on `disk`; the reason when it cannot (not root, no mount allowed). */
function mountTmpfs(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (mount -t tmpfs needs root)';
  mkdirSync(disk, { recursive: true });
  const run = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32m,mode=0700', 'tmpfs', disk], { encoding: 'utf8' });
  return run.status === 0 ? undefined : `mount -t tmpfs failed: ${(run.stderr || run.error?.message || '').trim()}`;
}
const skipReason = process.platform === 'linux' ? mountTmpfs() : 'tmpfs mounts are Linux only';
if (skipReason) console.warn(`SKIPPED the disk-full fault test: ${skipReason}`);

async function publishedUsers(): Promise<number> {
  const instance = (await readInstance(dataDir))!;
  const conn = await connect({ account: instance.account, accessUrl: instance.accessUrl, user: instance.user, password: await readPassword(dataDir), role: 'ACCOUNTADMIN' });
  try {
    return Number((await conn.execute<{ N: number }>('SELECT COUNT(*) AS N FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS'))[0]!.N);
  } finally {
    await conn.close();
  }
}

beforeAll(async () => {
  if (skipReason) return;
  const run = await papi('setup', '--data', A.dir);
  if (run.exitCode !== 0) throw new Error(`setup failed (${run.exitCode}):\n${run.stderr}`);
}, 170_000);

afterAll(async () => {
  if (!skipReason) {
    await papi('local', 'stop');
    spawnSync('umount', [disk]);
  }
  await rm(project, { recursive: true, force: true });
}, 60_000);

describe("papi local's disk full", () => {
  it.skipIf(skipReason !== undefined)(`a clear error, reads still served, and the next setup completes once there is space${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`, async () => {
    const { pid } = (await readInstance(dataDir))!;
    // Everything but a few KB taken.
    const { bavail, bsize } = statfsSync(disk);
    const filler = join(disk, 'filler');
    writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 16 * 1024)));

    const full = await papi('setup', '--force', '--data', B.dir);
    expect(full.exitCode, full.stderr).toBe(4);
    expect(full.stderr).toMatch(/papi local's disk is full \(no space left on device/);
    expect(full.stderr).toMatch(/free space on the disk of papi local's data directory/);
    expect(await publishedUsers()).toBe(A.state.users);

    await rm(filler);
    const again = await papi('setup', '--force', '--data', B.dir);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await publishedUsers()).toBe(B.state.users);
    expect((await readInstance(dataDir))!.pid).toBe(pid);
  }, 170_000);
});
