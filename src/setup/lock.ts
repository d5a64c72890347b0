// One papi setup at a time per project: two at once would interleave their statements (one clearing
// the stage while the other loads it, two publishes racing). A setup holds `.papi/setup.lock` (a lock
// file, src/lock.ts: pid and command); a second one says it waits for the first and waits, up to
// PAPI_SETUP_LOCK_TIMEOUT seconds, then exits 4 naming the holder. A holder killed with SIGKILL
// leaves a lock that the next setup takes over.
import path from 'node:path';
import type { PapiConfig } from '../config/types.js';
import { ENV, readEnv } from '../config/env.js';
import { withLockFile } from '../lock.js';
import { ensureProjectDir } from '../project.js';
import { ToolError, UsageError } from '../ui/errors.js';
import type { Output } from '../ui/output.js';

export const SETUP_LOCK_FILE = 'setup.lock';
const DEFAULT_TIMEOUT_S = 900;

export interface SetupLockContext {
  env: Record<string, string | undefined>;
  out: Pick<Output, 'info'>;
  signal: AbortSignal;
}

export async function withSetupLock<T>(ctx: SetupLockContext, config: Pick<PapiConfig, 'projectDir'>, work: () => Promise<T>): Promise<T> {
  const timeoutS = lockTimeoutSeconds(ctx.env);
  const file = path.join((await ensureProjectDir(config)).root, SETUP_LOCK_FILE);
  const who = (pid?: number, command?: string) => `another papi setup${pid ? ` (pid ${pid}${command ? `, \`${command}\`` : ''})` : ''}`;
  return withLockFile(file, work, {
    timeoutMs: timeoutS * 1000,
    signal: ctx.signal,
    onWait: ({ pid, command }) => ctx.out.info(`Waiting for ${who(pid, command)} to finish on this project (up to ${timeoutS} s; PAPI_SETUP_LOCK_TIMEOUT).`),
    timedOut: ({ pid, command }) =>
      new ToolError(`Gave up after ${timeoutS} s: ${who(pid, command)} is still running on this project.`, {
        code: 'SETUP_LOCKED',
        hint: `Let it finish and run papi setup again${pid ? `, or stop it (kill ${pid})` : ''}. A lock left by a process that is gone (${file}) is taken over by itself.`,
      }),
  });
}

function lockTimeoutSeconds(env: Record<string, string | undefined>): number {
  const text = readEnv(env, ENV.PAPI_SETUP_LOCK_TIMEOUT);
  if (text === undefined) return DEFAULT_TIMEOUT_S;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new UsageError(`PAPI_SETUP_LOCK_TIMEOUT must be a number of seconds (0 or more), not "${text}".`, { code: 'CONFIG_INVALID' });
  return seconds;
}
