// Starting papi local must be safe to race: two commands that find none running would both start one,
// and the second would die on DuckDB's file lock. A start holds `start.lock` in the data directory
// (created with O_EXCL, holding the starter's pid) from "is one running?" until the new one is ready;
// another starter waits for the lock to go, then finds the first one's papi local and uses it. A lock
// whose pid is dead (a starter killed with SIGKILL) is taken over.
import { link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '../local/index.js';
import { pause } from '../poll.js';
import { ToolError } from '../ui/errors.js';

export const START_LOCK_FILE = 'start.lock';

/** An empty lock older than this is a starter that died between creating and writing it. */
const EMPTY_LOCK_STALE_MS = 10_000;

export interface StartLockOptions {
  /** Give up waiting for another starter after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called once when another starter holds the lock (the first time this one has to wait). */
  onWait?(holderPid: number | undefined): void;
}

/** Runs `work` holding the data directory's start lock; waits (bounded) while another process holds it. */
export async function withStartLock<T>(dataDir: string, work: () => Promise<T>, options: StartLockOptions): Promise<T> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, START_LOCK_FILE);
  const deadline = Date.now() + options.timeoutMs;
  let waited = false;
  for (;;) {
    options.signal?.throwIfAborted();
    if (await tryCreate(file)) break;
    const holder = await readHolder(file);
    if (await isStale(file, holder)) {
      await takeOver(file, holder);
      continue;
    }
    if (!waited) options.onWait?.(holder);
    waited = true;
    if (Date.now() > deadline)
      throw new ToolError(`Another papi${holder ? ` (pid ${holder})` : ''} has been starting papi local for ${dataDir} for over ${Math.round(options.timeoutMs / 1000)} s.`, {
        code: 'LOCAL_START_LOCKED',
        hint: `Wait for it and try again, or stop it${holder ? ` (kill ${holder})` : ''}; a lock left by a dead process (${file}) is taken over by itself.`,
      });
    await pause(100, options.signal);
  }
  try {
    return await work();
  } finally {
    // Only our own lock: a takeover by another process after a very long pause must not be undone.
    if ((await readHolder(file)) === process.pid) await rm(file, { force: true });
  }
}

async function tryCreate(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

async function readHolder(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function isStale(file: string, holder: number | undefined): Promise<boolean> {
  if (holder !== undefined) return !isAlive(holder);
  try {
    return Date.now() - (await stat(file)).mtimeMs > EMPTY_LOCK_STALE_MS;
  } catch {
    return false; // gone already: the next try creates it
  }
}

/**
 * Moves a stale lock aside atomically (rename); when two waiters take over at once, the one that moved
 * a live lock (the other's fresh one) puts it back without overwriting anything (link fails if taken).
 */
async function takeOver(file: string, staleHolder: number | undefined): Promise<void> {
  const aside = `${file}.${process.pid}.stale`;
  try {
    await rename(file, aside);
  } catch {
    return; // someone else moved it
  }
  const moved = await readHolder(aside);
  if (moved !== staleHolder && moved !== undefined && isAlive(moved)) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });
}
