import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthLog } from './log.js';
import { tokenFromEnvironment } from './pat.js';
import { TokenCache, type TokenCacheKey } from './token-cache.js';

const posix = process.platform !== 'win32';
const KEY: TokenCacheKey = { account: 'myorg-myacct', user: 'svc_data_api', role: 'DATA_API_ROLE', endpointHost: 'abc-myorg-myacct.snowflakecomputing.app' };
let dir: string;
let clock: Date;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'papi-token-cache-'));
  clock = new Date('2026-03-01T12:00:00Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cache(log?: AuthLog): TokenCache {
  return new TokenCache({ dir: path.join(dir, '.papi'), now: () => clock, log });
}

function minutesFromClock(minutes: number): Date {
  return new Date(clock.getTime() + minutes * 60_000);
}

function recordingLog(): AuthLog & { debugs: string[]; warnings: string[] } {
  const debugs: string[] = [];
  const warnings: string[] = [];
  return { debugs, warnings, debug: (m) => debugs.push(m), warn: (m) => warnings.push(m) };
}

describe('TokenCache', () => {
  it('returns a stored token for the same key while it is valid for at least another 60 s', async () => {
    const store = cache();
    expect(await store.get(KEY)).toBeUndefined();
    await store.set(KEY, { token: 'tok-1', expiresAt: minutesFromClock(10) });

    // A fresh instance reads the file: nothing lives only in memory.
    expect(await cache().get(KEY)).toEqual({ token: 'tok-1', expiresAt: minutesFromClock(10) });
    // Key parts are compared the way Snowflake compares them.
    expect((await cache().get({ ...KEY, account: 'MYORG-MYACCT', user: 'SVC_DATA_API', endpointHost: 'ABC-myorg-myacct.snowflakecomputing.app' }))?.token).toBe('tok-1');

    clock = minutesFromClock(8); // 2 minutes left
    expect((await cache().get(KEY))?.token).toBe('tok-1');
    clock = new Date(clock.getTime() + 60_000); // exactly 60 s left
    expect((await cache().get(KEY))?.token).toBe('tok-1');
    clock = new Date(clock.getTime() + 1); // less than 60 s left
    expect(await cache().get(KEY)).toBeUndefined();
  });

  it('keeps one token per account, user, role and endpoint host', async () => {
    const store = cache();
    const variants: TokenCacheKey[] = [
      KEY,
      { ...KEY, role: 'OTHER_ROLE' },
      { ...KEY, role: undefined },
      { ...KEY, user: 'someone' },
      { ...KEY, account: 'xy12345' },
      { ...KEY, endpointHost: 'def-myorg-myacct.snowflakecomputing.app' },
    ];
    for (const [index, key] of variants.entries()) await store.set(key, { token: `tok-${index}`, expiresAt: minutesFromClock(10) });
    for (const [index, key] of variants.entries()) expect((await store.get(key))?.token).toBe(`tok-${index}`);

    await store.set(KEY, { token: 'tok-new', expiresAt: minutesFromClock(10) });
    expect((await store.get(KEY))?.token).toBe('tok-new');
    await store.delete(KEY);
    expect(await store.get(KEY)).toBeUndefined();
    expect((await store.get(variants[1] as TokenCacheKey))?.token).toBe('tok-1');
  });

  it.skipIf(!posix)('writes the file 0600 in a 0700 directory, atomically, leaving no temp files', async () => {
    const store = cache();
    await store.set(KEY, { token: 'tok-1', expiresAt: minutesFromClock(10) });
    await store.set({ ...KEY, role: 'R2' }, { token: 'tok-2', expiresAt: minutesFromClock(10) });

    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(store.file))).mode & 0o777).toBe(0o700);
    expect(await readdir(path.dirname(store.file))).toEqual(['tokens.json']);
    const json = JSON.parse(await readFile(store.file, 'utf8')) as { version: number; tokens: Record<string, { token: string }> };
    expect(json.version).toBe(1);
    expect(Object.values(json.tokens).map((entry) => entry.token).sort()).toEqual(['tok-1', 'tok-2']);
  });

  it('drops expired entries when it writes', async () => {
    const store = cache();
    await store.set({ ...KEY, role: 'OLD' }, { token: 'old', expiresAt: minutesFromClock(1) });
    clock = minutesFromClock(5);
    await store.set(KEY, { token: 'new', expiresAt: minutesFromClock(10) });
    const json = JSON.parse(await readFile(store.file, 'utf8')) as { tokens: Record<string, { token: string }> };
    expect(Object.values(json.tokens).map((entry) => entry.token)).toEqual(['new']);
  });

  it('ignores a corrupt file, says so at debug level, and replaces it on the next write', async () => {
    for (const junk of ['{ not json', '[]', '{"version":2,"tokens":{}}', '{"version":1,"tokens":{"x":{"token":""}}}']) {
      const log = recordingLog();
      const store = cache(log);
      await rm(path.dirname(store.file), { recursive: true, force: true });
      await store.set(KEY, { token: 'placeholder', expiresAt: minutesFromClock(10) }); // creates the directory
      await writeFile(store.file, junk);

      expect(await store.get(KEY)).toBeUndefined();
      expect(log.debugs.join('\n')).toMatch(/token cache .* (not valid JSON|unexpected shape)/);
      expect(log.warnings).toEqual([]);

      await store.set(KEY, { token: 'tok-after', expiresAt: minutesFromClock(10) });
      expect((await cache().get(KEY))?.token).toBe('tok-after');
    }
  });

  it('getOrObtain uses the cache, obtains when needed, and --refresh bypasses it', async () => {
    const store = cache();
    let calls = 0;
    const obtain = async () => ({ token: `tok-${++calls}`, expiresAt: minutesFromClock(10) });

    expect(await store.getOrObtain(KEY, obtain)).toMatchObject({ token: 'tok-1', fromCache: false });
    expect(await store.getOrObtain(KEY, obtain)).toMatchObject({ token: 'tok-1', fromCache: true });
    expect(await store.getOrObtain(KEY, obtain, { refresh: true })).toMatchObject({ token: 'tok-2', fromCache: false });
    expect(await store.getOrObtain(KEY, obtain)).toMatchObject({ token: 'tok-2', fromCache: true });
    clock = minutesFromClock(9.5);
    expect(await store.getOrObtain(KEY, obtain)).toMatchObject({ token: 'tok-3', fromCache: false });
    expect(calls).toBe(3);
  });

  it('does not cache a token that is already too close to expiry', async () => {
    const store = cache();
    const shortLived = await store.getOrObtain(KEY, async () => ({ token: 'short', expiresAt: new Date(clock.getTime() + 30_000) }));
    expect(shortLived).toMatchObject({ token: 'short', fromCache: false });
    expect(await store.get(KEY)).toBeUndefined();
  });
});

describe('tokenFromEnvironment', () => {
  it('returns a PAT from SNOWFLAKE_PAT, else PAPI_PAT, else nothing', () => {
    expect(tokenFromEnvironment({ SNOWFLAKE_PAT: ' pat-a ', PAPI_PAT: 'pat-b' })).toEqual({ token: 'pat-a', source: 'SNOWFLAKE_PAT' });
    expect(tokenFromEnvironment({ SNOWFLAKE_PAT: '', PAPI_PAT: 'pat-b' })).toEqual({ token: 'pat-b', source: 'PAPI_PAT' });
    expect(tokenFromEnvironment({})).toBeUndefined();
    expect(tokenFromEnvironment({ SNOWFLAKE_PAT: '   ' })).toBeUndefined();
  });

  it('reports the expiry of a PAT that is a JWT', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const pat = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setExpirationTime(Date.parse('2026-06-01T00:00:00Z') / 1000).sign(key);
    expect(tokenFromEnvironment({ SNOWFLAKE_PAT: pat })?.expiresAt?.toISOString()).toBe('2026-06-01T00:00:00.000Z');
  });
});
