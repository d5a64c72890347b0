// Starting papi local must be safe to race: two commands that find none running would both start one,
// and the second would die on DuckDB's file lock. A start holds `start.lock` in the data directory
// (a lock file, src/lock.ts, holding the starter's pid) from "is one running?" until the new one is
// ready; another starter waits for the lock to go, then finds the first one's papi local and uses it.
// A lock whose pid is dead (a starter killed with SIGKILL) is taken over.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { withLockFile } from '../lock.js';
import { ToolError } from '../ui/errors.js';

export const START_LOCK_FILE = 'start.lock';

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
  return withLockFile(file, work, {
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    onWait: (holder) => options.onWait?.(holder.pid),
    timedOut: ({ pid }) =>
      new ToolError(`Another papi${pid ? ` (pid ${pid})` : ''} has been starting papi local for ${dataDir} for over ${Math.round(options.timeoutMs / 1000)} s.`, {
        code: 'LOCAL_START_LOCKED',
        hint: `Wait for it and try again, or stop it${pid ? ` (kill ${pid})` : ''}; a lock left by a dead process (${file}) is taken over by itself.`,
      }),
  });
}
