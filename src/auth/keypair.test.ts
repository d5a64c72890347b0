import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, UsageError } from '../ui/errors.js';
import { ensureKeyPair, loadPrivateKey, publicKeyBody, publicKeyFingerprint } from './keypair.js';
import type { AuthLog } from './log.js';

const posix = process.platform !== 'win32';
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'papi-keypair-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function recordingLog(): AuthLog & { warnings: string[]; debugs: string[] } {
  const warnings: string[] = [];
  const debugs: string[] = [];
  return { warnings, debugs, warn: (m) => warnings.push(m), debug: (m) => debugs.push(m) };
}

/** Independent of papi's code: base64-decode the PEM armour and hash the DER bytes. */
function fingerprintFromPemText(pem: string): string {
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  return `SHA256:${createHash('sha256').update(Buffer.from(body, 'base64')).digest('base64')}`;
}

async function expectAuthError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe(code);
  expect((error as AuthError).message).toMatch(message);
  expect((error as AuthError).hint ?? '').not.toBe('');
}

describe('ensureKeyPair', () => {
  it('creates a PKCS#8 private key (0600, directory 0700) and an SPKI public key on first use', async () => {
    const dir = path.join(root, 'keys');
    const { current, previous, created } = await ensureKeyPair(dir, 'svc_data_api');

    expect(created).toBe(true);
    expect(previous).toBeUndefined();
    expect(current.generation).toBe(1);
    expect(current.slot).toBe('RSA_PUBLIC_KEY');
    expect(current.privateKeyPath).toBe(path.join(dir, 'svc_data_api.p8'));
    expect(current.publicKeyPath).toBe(path.join(dir, 'svc_data_api.pub'));

    const privatePem = await readFile(current.privateKeyPath, 'utf8');
    const publicPem = await readFile(current.publicKeyPath, 'utf8');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(current.privateKey.asymmetricKeyType).toBe('rsa');
    expect(current.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    if (posix) {
      expect((await stat(current.privateKeyPath)).mode & 0o777).toBe(0o600);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
    }
  });

  it("reports the fingerprint Snowflake computes: SHA256 over the public key's DER SubjectPublicKeyInfo", async () => {
    const { current } = await ensureKeyPair(root, 'k');
    const publicPem = await readFile(current.publicKeyPath, 'utf8');
    const der = createPublicKey(publicPem).export({ type: 'spki', format: 'der' });
    const independent = `SHA256:${createHash('sha256').update(der).digest('base64')}`;

    expect(current.fingerprint).toBe(independent);
    expect(current.fingerprint).toBe(fingerprintFromPemText(publicPem));
    expect(publicKeyFingerprint(publicPem)).toBe(independent);
    expect(publicKeyFingerprint(current.privateKey)).toBe(independent);
    expect(current.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}=$/);
  });

  it.skipIf(!posix)('agrees with openssl on the fingerprint', async () => {
    let openssl: string;
    try {
      openssl = execFileSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' }).trim();
    } catch {
      return; // no openssl on this machine: the node:crypto comparison above still runs
    }
    const { current } = await ensureKeyPair(root, 'k');
    const der = execFileSync(openssl, ['pkey', '-pubin', '-in', current.publicKeyPath, '-outform', 'DER']);
    expect(current.fingerprint).toBe(`SHA256:${createHash('sha256').update(der).digest('base64')}`);
  });

  it('returns the existing key on later calls and never rewrites it', async () => {
    const first = await ensureKeyPair(root, 'k');
    const before = await readFile(first.current.privateKeyPath);
    const again = await ensureKeyPair(root, 'k');

    expect(again.created).toBe(false);
    expect(again.current.fingerprint).toBe(first.current.fingerprint);
    expect(await readFile(first.current.privateKeyPath)).toEqual(before);
    expect((await readdir(root)).sort()).toEqual(['k.p8', 'k.pub']);
  });

  it('rotates by writing a new pair next to the old one and returning both', async () => {
    const first = await ensureKeyPair(root, 'k');
    const oldBytes = await readFile(first.current.privateKeyPath);
    const rotated = await ensureKeyPair(root, 'k', { rotate: true });

    expect(rotated.created).toBe(true);
    expect(rotated.current.generation).toBe(2);
    expect(rotated.current.slot).toBe('RSA_PUBLIC_KEY_2');
    expect(rotated.current.privateKeyPath).toBe(path.join(root, 'k.2.p8'));
    expect(rotated.current.fingerprint).not.toBe(first.current.fingerprint);
    expect(rotated.previous?.fingerprint).toBe(first.current.fingerprint);
    expect(rotated.previous?.slot).toBe('RSA_PUBLIC_KEY');
    expect(await readFile(first.current.privateKeyPath)).toEqual(oldBytes);
    if (posix) expect((await stat(rotated.current.privateKeyPath)).mode & 0o777).toBe(0o600);

    // Afterwards the newest generation is the current key, the one before it stays visible.
    const later = await ensureKeyPair(root, 'k');
    expect(later.created).toBe(false);
    expect(later.current.fingerprint).toBe(rotated.current.fingerprint);
    expect(later.previous?.fingerprint).toBe(first.current.fingerprint);

    const third = await ensureKeyPair(root, 'k', { rotate: true });
    expect(third.current.generation).toBe(3);
    expect(third.current.slot).toBe('RSA_PUBLIC_KEY');
    expect(third.previous?.fingerprint).toBe(rotated.current.fingerprint);
  });

  it.skipIf(!posix)('tightens an existing key directory to 0700', async () => {
    const dir = path.join(root, 'open');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await ensureKeyPair(dir, 'k');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('encrypts a new key with a passphrase and needs it to open the key again', async () => {
    const { current } = await ensureKeyPair(root, 'k', { passphrase: 'correct horse' });
    expect(await readFile(current.privateKeyPath, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);

    const again = await ensureKeyPair(root, 'k', { passphrase: 'correct horse' });
    expect(again.current.fingerprint).toBe(current.fingerprint);
    await expectAuthError(ensureKeyPair(root, 'k'), 'PRIVATE_KEY_PASSPHRASE_MISSING', /encrypted/);
    await expectAuthError(ensureKeyPair(root, 'k', { passphrase: 'wrong' }), 'PRIVATE_KEY_PASSPHRASE_WRONG', /Wrong passphrase/);
    // Rotating with the wrong passphrase fails before writing a new generation.
    await expectAuthError(ensureKeyPair(root, 'k', { rotate: true, passphrase: 'wrong' }), 'PRIVATE_KEY_PASSPHRASE_WRONG', /Wrong passphrase/);
    expect((await readdir(root)).sort()).toEqual(['k.p8', 'k.pub']);
  });

  it('rewrites a public key file that does not match the private key, and says so', async () => {
    const { current } = await ensureKeyPair(root, 'k');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await writeFile(current.publicKeyPath, other);
    const log = recordingLog();

    const again = await ensureKeyPair(root, 'k', { log });
    expect(again.current.fingerprint).toBe(current.fingerprint);
    expect(fingerprintFromPemText(await readFile(current.publicKeyPath, 'utf8'))).toBe(current.fingerprint);
    expect(log.warnings.join('\n')).toMatch(/does not match/);
  });

  it('rejects key names that could escape the directory', async () => {
    await expect(ensureKeyPair(root, '../evil')).rejects.toBeInstanceOf(UsageError);
    await expect(ensureKeyPair(root, '')).rejects.toBeInstanceOf(UsageError);
  });
});

describe('publicKeyBody', () => {
  it('is the PEM body without armour or line breaks, from the public or the private key', async () => {
    const { current } = await ensureKeyPair(root, 'k');
    const publicPem = await readFile(current.publicKeyPath, 'utf8');
    const expected = publicPem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');

    expect(publicKeyBody(publicPem)).toBe(expected);
    expect(publicKeyBody(current.privateKey)).toBe(expected);
    expect(publicKeyBody(await readFile(current.privateKeyPath, 'utf8'))).toBe(expected);
    expect(publicKeyBody(publicPem)).not.toMatch(/[\s-]/);
  });
});

describe('loadPrivateKey', () => {
  it('loads the key ensureKeyPair wrote, silently when the file is 0600', async () => {
    const { current } = await ensureKeyPair(root, 'k');
    const log = recordingLog();
    const key = await loadPrivateKey(current.privateKeyPath, undefined, { log });
    expect(publicKeyFingerprint(key)).toBe(current.fingerprint);
    expect(log.warnings).toEqual([]);
  });

  it('fails clearly for a missing file', async () => {
    await expectAuthError(loadPrivateKey(path.join(root, 'nope.p8')), 'PRIVATE_KEY_MISSING', /does not exist/);
  });

  it.skipIf(!posix)('warns about a file others can read but still loads it', async () => {
    const { current } = await ensureKeyPair(root, 'k');
    await chmod(current.privateKeyPath, 0o644);
    const log = recordingLog();
    const key = await loadPrivateKey(current.privateKeyPath, undefined, { log });
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('mode 644');
    expect(log.warnings[0]).toContain(`chmod 600 ${current.privateKeyPath}`);
  });

  it('tells a wrong passphrase from a missing one', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 's3cret' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const file = path.join(root, 'enc.p8');
    await writeFile(file, privateKey, { mode: 0o600 });

    await expectAuthError(loadPrivateKey(file), 'PRIVATE_KEY_PASSPHRASE_MISSING', /encrypted/);
    await expectAuthError(loadPrivateKey(file, 'not it'), 'PRIVATE_KEY_PASSPHRASE_WRONG', /Wrong passphrase/);
    expect((await loadPrivateKey(file, 's3cret')).asymmetricKeyType).toBe('rsa');
  });

  it('refuses a key that is not RSA, a public key and garbage', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecFile = path.join(root, 'ec.p8');
    await writeFile(ecFile, ec.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await expectAuthError(loadPrivateKey(ecFile), 'PRIVATE_KEY_NOT_RSA', /ec key; Snowflake needs an RSA key/);

    const pubFile = path.join(root, 'k.pub');
    await writeFile(pubFile, ec.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o600 });
    await expectAuthError(loadPrivateKey(pubFile), 'PRIVATE_KEY_INVALID', /public key, not a private key/);

    const junk = path.join(root, 'junk.p8');
    await writeFile(junk, 'not a key at all\n', { mode: 0o600 });
    await expectAuthError(loadPrivateKey(junk), 'PRIVATE_KEY_INVALID', /not a valid PEM private key/);
  });
});
