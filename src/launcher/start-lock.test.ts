import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { START_LOCK_FILE, withStartLock } from './start-lock.js';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'papi-start-lock-'));
  dirs.push(dir);
  return join(dir, 'local');
};
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('withStartLock (#17.3)', () => {
  it('holds start.lock with its pid while working, and removes it after', async () => {
    const dir = dataDir();
    const seen = await withStartLock(dir, async () => readFileSync(join(dir, START_LOCK_FILE), 'utf8').split('\n')[0], { timeoutMs: 5000 });
    expect(seen).toBe(String(process.pid));
    expect(existsSync(join(dir, START_LOCK_FILE))).toBe(false);
  });

  it('a second starter waits for the first, then runs after it', async () => {
    const dir = dataDir();
    const order: string[] = [];
    let release!: () => void;
    const first = withStartLock(dir, () => new Promise<void>((resolve) => (release = () => (order.push('first'), resolve()))), { timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    let waited = false;
    const second = withStartLock(dir, async () => void order.push('second'), { timeoutMs: 20_000, onWait: () => (waited = true) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(order).toEqual([]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(waited).toBe(true);
  });

  it('takes over a lock left by a dead process', async () => {
    const dir = dataDir();
    await withStartLock(dir, async () => undefined, { timeoutMs: 1000 }); // creates the folder
    writeFileSync(join(dir, START_LOCK_FILE), `${deadPid()}\n`);
    await expect(withStartLock(dir, async () => 'ran', { timeoutMs: 5000 })).resolves.toBe('ran');
  });

  it('gives up after its timeout while a live process holds the lock, naming it', async () => {
    const dir = dataDir();
    await withStartLock(dir, async () => undefined, { timeoutMs: 1000 });
    writeFileSync(join(dir, START_LOCK_FILE), `${process.ppid}\n`);
    await expect(withStartLock(dir, async () => 'ran', { timeoutMs: 300 })).rejects.toThrow(new RegExp(`pid ${process.ppid}`));
  });
});
