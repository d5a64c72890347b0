// What papi local keeps in its data directory besides the data: `format.json` (the layout version of
// the directory, so a newer papi can migrate or refuse an older one), `local.json` while it runs (pid,
// accessUrl, account, user, port: harmless to read) for `papi local status|stop` and other papi
// commands, and the admin password in its own 0600 file. The directory is the owner's alone (0700)
// and nothing in it is readable by group or others: it holds the data, the secret key that signs
// tokens and the admin password.
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const STATE_FILE = 'local.json';
export const PASSWORD_FILE = 'admin-password';
export const LOG_FILE = 'local.log';
export const FORMAT_FILE = 'format.json';

/**
 * The data directory's layout version. 0: papi 0.1.0, which wrote no format file (catalog.json,
 * data.duckdb, registry/, stages/, spcs/). Each change to which files it holds and how raises it and
 * adds a step to MIGRATIONS; a directory from a newer papi is refused rather than misread. What
 * catalog.json holds has a version of its own, upgraded when the engine loads it (engine/model/catalog.ts).
 */
export const DATA_FORMAT_VERSION = 1;

/** Steps that bring a directory from version n to n + 1, by n. */
const MIGRATIONS: Record<number, (dataDir: string) => Promise<void>> = {
  // 0 → 1: the layout is unchanged; version 1 only starts recording the format.
  0: async () => undefined,
};

/** Raised when a data directory cannot be opened at this papi's format; the message says what to do. */
export class DataDirError extends Error {}

export interface LocalInstance {
  pid: number;
  accessUrl: string;
  account: string;
  user: string;
  port: number;
  dataDir: string;
  /** Random per start; absent in files written before papi checked who it stops. */
  instanceId?: string;
  startedAt: string;
}

/** What a running papi local answers on INSTANCE_PATH: who it is, to compare with local.json. */
export interface InstanceIdentity {
  pid: number;
  instanceId: string;
  dataDir: string;
}

export const INSTANCE_PATH = '/papi-local/instance';
const IDENTITY_TIMEOUT_MS = 5_000;

/** The file papi local runs from when papi starts it in the background (dist/papi-local.mjs, one bundle). */
export const BACKGROUND_ENTRY = 'papi-local.mjs';

/**
 * Whether process `pid` is `node …/papi-local.mjs --data-dir <dataDir>` (how papi starts it in the
 * background), or `papi local start … --data-dir <dataDir>` (the foreground command, and how papis
 * before the bundled entry started it), from /proc: Linux only; elsewhere unknown, so false (refused
 * with what to do).
 */
async function startedFor(pid: number, dataDir: string): Promise<boolean> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const at = argv.indexOf('--data-dir');
    const background = argv.some((a) => path.basename(a) === BACKGROUND_ENTRY);
    const command = argv.includes('local') && argv.includes('start') && argv.some((a) => /papi/.test(a));
    if (at < 0 || !(background || command)) return false;
    return (await realpath(argv[at + 1]!)) === (await realpath(dataDir));
  } catch {
    return false;
  }
}

/**
 * Whether local.json's pid really is the papi local of `dataDir`: its accessUrl answers with the same
 * pid, instance id and data directory. After a reboot (or a copied data directory) the pid may belong
 * to any other process, which must never be signalled.
 */
export async function confirmInstance(instance: LocalInstance, dataDir: string): Promise<boolean> {
  // Started by a papi from before instance ids (still running after an update): its command line says.
  if (instance.instanceId === undefined) return startedFor(instance.pid, dataDir);
  try {
    const response = await fetch(new URL(INSTANCE_PATH, instance.accessUrl), { signal: AbortSignal.timeout(IDENTITY_TIMEOUT_MS) });
    if (!response.ok) return false;
    const answer = (await response.json()) as Partial<InstanceIdentity>;
    if (answer.pid !== instance.pid || answer.instanceId !== instance.instanceId || typeof answer.dataDir !== 'string') return false;
    // The same folder however it is spelt (a symlink, a relative path).
    return (await realpath(answer.dataDir)) === (await realpath(dataDir));
  } catch {
    return false; // nothing (or something else) listens there
  }
}

/**
 * Makes the data directory ready for this papi: creates it (0700), or tightens an existing one to 0700
 * and what it holds to the owner alone, migrates an older layout in place, refuses a newer one, and
 * returns the admin password (the given one, else the stored one, else a new random one; stored 0600).
 */
export async function prepareDataDir(dataDir: string, password?: string): Promise<{ password: string }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a folder it creates: one made by an older papi, by hand or under
  // another umask keeps its mode unless it is set here.
  await chmod(dataDir, 0o700);
  await ownerOnly(dataDir);
  const recorded = await readFormat(dataDir);
  const found = recorded ?? DATA_FORMAT_VERSION;
  if (found > DATA_FORMAT_VERSION)
    throw new DataDirError(
      `papi local's data directory ${dataDir} was written by a newer papi (format ${found}; this papi reads up to ${DATA_FORMAT_VERSION}). ` +
        'Upgrade papi, or move the directory away to start with an empty papi local.',
    );
  for (let version = found; version < DATA_FORMAT_VERSION; version++) await MIGRATIONS[version]!(dataDir);
  if (recorded !== DATA_FORMAT_VERSION) await writeAtomically(path.join(dataDir, FORMAT_FILE), `${JSON.stringify({ version: DATA_FORMAT_VERSION })}\n`);
  return { password: await ensurePassword(dataDir, password) };
}

/** The format version of a directory: its format.json, 0 for papi 0.1.0's layout, undefined for a new empty one. */
async function readFormat(dataDir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, FORMAT_FILE), 'utf8');
  } catch {
    // The log and the launcher's start lock (start.lock) are there before any data is.
    const entries = (await readdir(dataDir)).filter((name) => name !== LOG_FILE && !name.startsWith('start.lock'));
    return entries.length === 0 ? undefined : 0;
  }
  const version = (JSON.parse(text) as { version?: unknown }).version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new DataDirError(`${path.join(dataDir, FORMAT_FILE)} is damaged (no version). Move the directory away to start with an empty papi local.`);
  return version;
}

export async function readInstance(dataDir: string): Promise<LocalInstance | undefined> {
  try {
    const value = JSON.parse(await readFile(path.join(dataDir, STATE_FILE), 'utf8')) as Partial<LocalInstance>;
    if (typeof value.pid !== 'number' || typeof value.accessUrl !== 'string') return undefined;
    return value as LocalInstance;
  } catch {
    return undefined;
  }
}

export async function writeInstance(dataDir: string, instance: LocalInstance): Promise<void> {
  await writeAtomically(path.join(dataDir, STATE_FILE), `${JSON.stringify(instance, null, 2)}\n`);
}

/** Removes local.json if it still describes `pid` (a newer instance's file is left alone). */
export async function removeInstance(dataDir: string, pid: number): Promise<void> {
  const instance = await readInstance(dataDir);
  if (instance && instance.pid === pid) await rm(path.join(dataDir, STATE_FILE), { force: true });
}

/**
 * What local.json describes while its pid is alive, whoever that pid now is: `papi local stop` uses it
 * to refuse loudly rather than signal a stranger. Everything else asks runningInstance.
 */
export async function recordedInstance(dataDir: string): Promise<LocalInstance | undefined> {
  const instance = await readInstance(dataDir);
  return instance && isAlive(instance.pid) ? instance : undefined;
}

/**
 * The papi local running for `dataDir`, or undefined when none. A local.json whose pid is alive but is
 * not that papi local (the pid reused after a reboot, a file copied from another directory) describes
 * nothing running, so a command starts a new one instead of waiting on a stranger. Its command line
 * (Linux) says so without a request, which also keeps one too busy to answer its identity counted.
 */
export async function runningInstance(dataDir: string): Promise<LocalInstance | undefined> {
  const instance = await recordedInstance(dataDir);
  if (!instance) return undefined;
  return (await startedFor(instance.pid, dataDir)) || (await confirmInstance(instance, dataDir)) ? instance : undefined;
}

/**
 * Whether papi local ever opened this data directory (its format file, or the database an older papi
 * left without one): a directory without either holds no objects, so nothing needs starting to know.
 */
export async function holdsData(dataDir: string): Promise<boolean> {
  const found = await Promise.all([FORMAT_FILE, 'data.duckdb'].map((name) => lstat(path.join(dataDir, name)).then(() => true, () => false)));
  return found.includes(true);
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

async function ensurePassword(dataDir: string, given?: string): Promise<string> {
  const stored = await readPassword(dataDir);
  const password = given ?? stored ?? randomBytes(18).toString('base64url');
  if (password !== stored) {
    const file = path.join(dataDir, PASSWORD_FILE);
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return password;
}

/**
 * Clears the group and other bits of everything under `dir` (symlinks are left alone: chmod would
 * follow them). Files an older papi or DuckDB wrote under a 022 umask (data.duckdb, its WAL, registry
 * blobs, stage files) become the owner's alone.
 */
export async function ownerOnly(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    const file = path.join(dir, entry.name);
    const { mode } = await lstat(file);
    if ((mode & 0o077) !== 0) await chmod(file, mode & 0o7700);
    if (entry.isDirectory()) await ownerOnly(file);
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, file);
}
