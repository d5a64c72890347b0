// What a running papi local leaves in its data directory: `local.json` (pid, accessUrl, account, user,
// port) for `papi local status|stop` and other papi commands, and the admin password in its own
// 0600 file (never in local.json, which is harmless to read).
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const STATE_FILE = 'local.json';
export const PASSWORD_FILE = 'admin-password';
export const LOG_FILE = 'local.log';

export interface LocalState {
  pid: number;
  accessUrl: string;
  account: string;
  user: string;
  port: number;
  dataDir: string;
  startedAt: string;
}

export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
}

export async function readLocalState(dataDir: string): Promise<LocalState | undefined> {
  try {
    const value = JSON.parse(await readFile(path.join(dataDir, STATE_FILE), 'utf8')) as Partial<LocalState>;
    if (typeof value.pid !== 'number' || typeof value.accessUrl !== 'string') return undefined;
    return value as LocalState;
  } catch {
    return undefined;
  }
}

export async function writeLocalState(dataDir: string, state: LocalState): Promise<void> {
  const file = path.join(dataDir, STATE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  await rename(temporary, file);
}

/** Removes local.json if it still describes `pid` (a newer instance's file is left alone). */
export async function removeLocalState(dataDir: string, pid: number): Promise<void> {
  const state = await readLocalState(dataDir);
  if (state && state.pid === pid) await rm(path.join(dataDir, STATE_FILE), { force: true });
}

/** The running instance described by local.json, or undefined when none (a stale file is ignored). */
export async function runningInstance(dataDir: string): Promise<LocalState | undefined> {
  const state = await readLocalState(dataDir);
  return state && isAlive(state.pid) ? state : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readPassword(dataDir: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path.join(dataDir, PASSWORD_FILE), 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** The admin password: the given one, else the stored one, else a new random one; stored 0600. */
export async function ensurePassword(dataDir: string, given?: string): Promise<string> {
  const stored = await readPassword(dataDir);
  const password = given ?? stored ?? randomBytes(18).toString('base64url');
  if (password !== stored) {
    const file = path.join(dataDir, PASSWORD_FILE);
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return password;
}
