// A lock file between papi processes: created with O_EXCL, holding the holder's pid and command line,
// removed when the work is done. Another process waits (bounded) for it to go; a lock whose pid is
// dead (a holder killed with SIGKILL) is taken over. Used for papi local's start (src/launcher/
// start-lock.ts) and for papi setup's project lock (src/setup/lock.ts).
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from './local/index.js';
import { pause } from './poll.js';

/** An empty lock older than this is a holder that died between creating and writing it. */
const EMPTY_LOCK_STALE_MS = 10_000;

/** Who holds a lock: read from its file (either may be missing in a lock being written). */
export interface LockHolder {
  pid?: number;
  /** The holder's command line, e.g. `papi setup --force`. */
  command?: string;
}

export interface LockOptions {
  /** Give up waiting for the holder after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called once when another process holds the lock (the first time this one has to wait). */
  onWait?(holder: LockHolder): void;
  /** The error thrown when the wait times out. */
  timedOut(holder: LockHolder): Error;
}

/** Runs `work` holding the lock `file`; waits (bounded) while another live process holds it. */
export async function withLockFile<T>(file: string, work: () => Promise<T>, options: LockOptions): Promise<T> {
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
    if (Date.now() > deadline) throw options.timedOut(holder);
    await pause(100, options.signal);
  }
  try {
    return await work();
  } finally {
    // Only our own lock: a takeover by another process after a very long pause must not be undone.
    if ((await readHolder(file)).pid === process.pid) await rm(file, { force: true });
  }
}

/** This process's command line as a person would recognise it: `papi setup --force`. */
export function ownCommand(): string {
  return [path.basename(process.argv[1] ?? process.argv0), ...process.argv.slice(2)].join(' ');
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
    // One line each, so the command (whatever it holds) never changes what the pid line says.
    await handle.writeFile(`${process.pid}\n${ownCommand().replace(/\s+/g, ' ')}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

export async function readHolder(file: string): Promise<LockHolder> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  const [pidLine = '', command = ''] = text.split('\n');
  const pid = Number.parseInt(pidLine.trim(), 10);
  return { ...(Number.isInteger(pid) && pid > 0 ? { pid } : {}), ...(command.trim() ? { command: command.trim() } : {}) };
}

async function isStale(file: string, holder: LockHolder): Promise<boolean> {
  if (holder.pid !== undefined) return !isAlive(holder.pid);
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
async function takeOver(file: string, stale: LockHolder): Promise<void> {
  const aside = `${file}.${process.pid}.stale`;
  try {
    await rename(file, aside);
  } catch {
    return; // someone else moved it
  }
  const moved = (await readHolder(aside)).pid;
  if (moved !== stale.pid && moved !== undefined && isAlive(moved)) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });
}
