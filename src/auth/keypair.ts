// RSA key pairs for Snowflake key-pair authentication: created once (PKCS#8 PEM private key, mode 0600,
// in a 0700 directory), never overwritten; rotation adds a new generation next to the old one so both
// can be registered (RSA_PUBLIC_KEY and RSA_PUBLIC_KEY_2) while clients switch over.
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, KeyObject } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { AuthError, UsageError } from '../ui/errors.js';
import { silentLog, type AuthLog } from './log.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The two user properties Snowflake offers for keys; generations alternate between them. */
export type PublicKeySlot = 'RSA_PUBLIC_KEY' | 'RSA_PUBLIC_KEY_2';

export interface KeyPairFiles {
  /** 1 for the first key, +1 per rotation. */
  generation: number;
  privateKeyPath: string;
  publicKeyPath: string;
  privateKey: KeyObject;
  /** SPKI PEM. */
  publicKeyPem: string;
  /** 'SHA256:<base64>', what DESCRIBE USER shows as RSA_PUBLIC_KEY_FP / RSA_PUBLIC_KEY_2_FP. */
  fingerprint: string;
  /** The user property this generation belongs in (odd → RSA_PUBLIC_KEY, even → RSA_PUBLIC_KEY_2). */
  slot: PublicKeySlot;
}

export interface EnsureKeyPairOptions {
  /** Create a new generation even though a key exists; the old one is kept and returned as `previous`. */
  rotate?: boolean;
  /** Encrypts new private keys (AES-256-CBC PKCS#8) and decrypts existing ones. */
  passphrase?: string;
  log?: AuthLog;
}

export interface EnsureKeyPairResult {
  /** The newest generation: the key to sign with. */
  current: KeyPairFiles;
  /** The generation before `current`, if its files still exist (still registered while rotating). */
  previous?: KeyPairFiles;
  /** True when this call generated `current`. */
  created: boolean;
}

const KEY_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PRIVATE_KEY_MODE = 0o600;
const KEY_DIR_MODE = 0o700;

/**
 * Returns the newest key pair named `name` in `dir`, creating the first one on first use, or a new
 * generation when `rotate` is set. An existing private key file is never overwritten.
 */
export async function ensureKeyPair(dir: string, name: string, options: EnsureKeyPairOptions = {}): Promise<EnsureKeyPairResult> {
  if (!KEY_NAME.test(name)) {
    throw new UsageError(`Invalid key name "${name}".`, { hint: 'Use letters, digits, "_" and "-" only (at most 64).' });
  }
  const log = options.log ?? silentLog;
  await ensurePrivateDirectory(dir);

  const generations = await listGenerations(dir, name);
  const latest = generations.at(-1);
  if (latest === undefined || options.rotate) {
    // Open the existing key first: a wrong passphrase must fail before a new generation is written.
    const previous = latest === undefined ? undefined : await openGeneration(dir, name, latest, options.passphrase, log);
    const { files, created } = await createGeneration(dir, name, (latest ?? 0) + 1, options.passphrase, log);
    return { current: files, previous, created };
  }
  const current = await openGeneration(dir, name, latest, options.passphrase, log);
  const previous = generations.includes(latest - 1) ? await openGeneration(dir, name, latest - 1, options.passphrase, log) : undefined;
  return { current, previous, created: false };
}

/** The file names of one generation: `<name>.p8`/`<name>.pub` for the first, `<name>.<n>.p8`/… after. */
export function keyPairPaths(dir: string, name: string, generation: number): { privateKeyPath: string; publicKeyPath: string } {
  const stem = generation === 1 ? name : `${name}.${generation}`;
  return { privateKeyPath: path.join(dir, `${stem}.p8`), publicKeyPath: path.join(dir, `${stem}.pub`) };
}

export function slotForGeneration(generation: number): PublicKeySlot {
  return generation % 2 === 1 ? 'RSA_PUBLIC_KEY' : 'RSA_PUBLIC_KEY_2';
}

/**
 * The base64 body of the SPKI public key, as `ALTER USER … SET RSA_PUBLIC_KEY='…'` wants it (no PEM
 * armour, no line breaks). Accepts a public key, or a private key from which the public one is derived.
 */
export function publicKeyBody(keyOrPem: string | KeyObject): string {
  return spkiDer(keyOrPem).toString('base64');
}

/** 'SHA256:' + base64(sha256(DER SubjectPublicKeyInfo)): Snowflake's RSA_PUBLIC_KEY_FP. */
export function publicKeyFingerprint(keyOrPem: string | KeyObject): string {
  return `SHA256:${createHash('sha256').update(spkiDer(keyOrPem)).digest('base64')}`;
}

/** The SPKI PEM of a key's public half. */
export function publicKeyPem(keyOrPem: string | KeyObject): string {
  return toPublicKey(keyOrPem).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Reads an RSA private key (PKCS#8 or PKCS#1 PEM, optionally encrypted). Every failure is an AuthError
 * that says what to do; a file others can read is used but warned about.
 */
export async function loadPrivateKey(file: string, passphrase?: string, options: { log?: AuthLog } = {}): Promise<KeyObject> {
  const log = options.log ?? silentLog;
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new AuthError(`Private key file ${file} does not exist.`, {
        code: 'PRIVATE_KEY_MISSING',
        hint: 'Check private_key_file in connections.toml (or --private-key-path); `papi token` creates a key pair in .papi/keys/ on first use.',
        cause: error,
      });
    }
    throw new AuthError(`Cannot read private key file ${file} (${code ?? 'error'}).`, { code: 'PRIVATE_KEY_UNREADABLE', cause: error });
  }
  await warnIfOpen(file, log);
  return parsePrivateKey(pem, file, passphrase);
}

/** Parses PEM text into an RSA private KeyObject with the same errors as loadPrivateKey. */
export function parsePrivateKey(pem: string, source: string, passphrase?: string): KeyObject {
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem) && !/PRIVATE KEY-----/.test(pem)) {
    throw new AuthError(`${source} holds a public key, not a private key.`, {
      code: 'PRIVATE_KEY_INVALID',
      hint: 'Point papi at the private key file (PKCS#8 PEM, "-----BEGIN PRIVATE KEY-----").',
    });
  }
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
  if (encrypted && !passphrase) {
    throw new AuthError(`Private key ${source} is encrypted and no passphrase was given.`, {
      code: 'PRIVATE_KEY_PASSPHRASE_MISSING',
      hint: 'Set PRIVATE_KEY_PASSPHRASE (or private_key_file_pwd in connections.toml).',
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(encrypted ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
  } catch (error) {
    if (encrypted) {
      throw new AuthError(`Wrong passphrase for private key ${source}.`, {
        code: 'PRIVATE_KEY_PASSPHRASE_WRONG',
        hint: 'Check PRIVATE_KEY_PASSPHRASE (or private_key_file_pwd in connections.toml).',
        cause: error,
      });
    }
    throw new AuthError(`${source} is not a valid PEM private key.`, {
      code: 'PRIVATE_KEY_INVALID',
      hint: 'Snowflake key-pair authentication needs an RSA private key in PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----").',
      cause: error,
    });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new AuthError(`Private key ${source} is a ${key.asymmetricKeyType ?? 'non-RSA'} key; Snowflake needs an RSA key.`, {
      code: 'PRIVATE_KEY_NOT_RSA',
      hint: 'Create an RSA 2048 key pair (papi token does it), or: openssl genrsa 2048 | openssl pkcs8 -topk8 -nocrypt -out rsa_key.p8',
    });
  }
  return key;
}

function toPublicKey(keyOrPem: string | KeyObject): KeyObject {
  if (keyOrPem instanceof KeyObject) return keyOrPem.type === 'public' ? keyOrPem : createPublicKey(keyOrPem);
  try {
    return createPublicKey(keyOrPem);
  } catch (error) {
    throw new AuthError('Not a PEM public or (unencrypted) private key.', { code: 'PUBLIC_KEY_INVALID', cause: error });
  }
}

function spkiDer(keyOrPem: string | KeyObject): Buffer {
  return toPublicKey(keyOrPem).export({ type: 'spki', format: 'der' });
}

async function ensurePrivateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: KEY_DIR_MODE });
  // mkdir's mode does not apply to a directory that already existed; the key directory is papi's own.
  if (process.platform !== 'win32') await chmod(dir, KEY_DIR_MODE).catch(() => undefined);
}

async function listGenerations(dir: string, name: string): Promise<number[]> {
  const pattern = new RegExp(`^${name}(?:\\.(\\d+))?\\.p8$`);
  const generations: number[] = [];
  for (const entry of await readdir(dir)) {
    const match = pattern.exec(entry);
    if (!match) continue;
    const generation = match[1] === undefined ? 1 : Number(match[1]);
    if (Number.isSafeInteger(generation) && generation >= 1) generations.push(generation);
  }
  return generations.sort((a, b) => a - b);
}

async function createGeneration(
  dir: string,
  name: string,
  generation: number,
  passphrase: string | undefined,
  log: AuthLog,
): Promise<{ files: KeyPairFiles; created: boolean }> {
  const { privateKeyPath, publicKeyPath } = keyPairPaths(dir, name, generation);
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const privatePem = privateKey
    .export(passphrase ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase } : { type: 'pkcs8', format: 'pem' })
    .toString();
  try {
    // 'wx' fails if the file exists: a key another process just created is never replaced.
    await writeFile(privateKeyPath, privatePem, { mode: PRIVATE_KEY_MODE, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    log.debug(`${privateKeyPath} appeared while creating it; using the existing key`);
    return { files: await openGeneration(dir, name, generation, passphrase, log), created: false };
  }
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await writeFile(publicKeyPath, pem, { mode: 0o644 });
  log.debug(`created RSA key pair ${privateKeyPath} (${publicKeyFingerprint(publicKey)})`);
  return {
    files: { generation, privateKeyPath, publicKeyPath, privateKey, publicKeyPem: pem, fingerprint: publicKeyFingerprint(publicKey), slot: slotForGeneration(generation) },
    created: true,
  };
}

async function openGeneration(dir: string, name: string, generation: number, passphrase: string | undefined, log: AuthLog): Promise<KeyPairFiles> {
  const { privateKeyPath, publicKeyPath } = keyPairPaths(dir, name, generation);
  const privateKey = await loadPrivateKey(privateKeyPath, passphrase, { log });
  const derivedPem = publicKeyPem(privateKey);
  const fingerprint = publicKeyFingerprint(privateKey);
  // The private key is the truth: a missing or mismatching .pub file is rewritten from it.
  const storedPem = await readFile(publicKeyPath, 'utf8').catch(() => undefined);
  let storedFingerprint: string | undefined;
  try {
    storedFingerprint = storedPem === undefined ? undefined : publicKeyFingerprint(storedPem);
  } catch {
    storedFingerprint = undefined;
  }
  if (storedFingerprint !== fingerprint) {
    if (storedPem !== undefined) log.warn(`${publicKeyPath} does not match ${privateKeyPath}; rewriting it from the private key`);
    await writeFile(publicKeyPath, derivedPem, { mode: 0o644 });
  }
  return { generation, privateKeyPath, publicKeyPath, privateKey, publicKeyPem: derivedPem, fingerprint, slot: slotForGeneration(generation) };
}

async function warnIfOpen(file: string, log: AuthLog): Promise<void> {
  if (process.platform === 'win32') return;
  const { mode } = await stat(file);
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    log.warn(`private key ${file} can be read by other users (mode ${octal}); run: chmod 600 ${file}`);
  }
}
