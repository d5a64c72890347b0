import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionOptions, paddedIds, rowJson } from './store.js';

describe('rowJson', () => {
  it('writes the row as the tutorial returned it: USER_ID a number, RECOMMENDATIONS JSON', () => {
    const text = rowJson({ USER_ID: '22', RECOMMENDATIONS: [{ title: 'Heat', score: 4.5 }] }, true);
    expect(text).toBe('{"USER_ID":22,"RECOMMENDATIONS":[{"title":"Heat","score":4.5}]}');
    expect(JSON.parse(text)).toEqual({ USER_ID: 22, RECOMMENDATIONS: [{ title: 'Heat', score: 4.5 }] });
  });

  it('keeps every digit of a 38-digit id', () => {
    const id = '12345678901234567890123456789012345678';
    expect(rowJson({ USER_ID: id, RECOMMENDATIONS: [] }, true)).toBe(`{"USER_ID":${id},"RECOMMENDATIONS":[]}`);
  });

  it('parses recommendations that arrive as JSON text, and keeps text ids as strings', () => {
    expect(rowJson({ USER_ID: 'u_1', RECOMMENDATIONS: '[1,2]' }, false)).toBe('{"USER_ID":"u_1","RECOMMENDATIONS":[1,2]}');
    expect(rowJson({ USER_ID: 'u_1', RECOMMENDATIONS: 'not json' }, false)).toBe('{"USER_ID":"u_1","RECOMMENDATIONS":"not json"}');
  });

  it('never writes a number column that is not a number as raw JSON', () => {
    expect(rowJson({ USER_ID: '1,"x":2', RECOMMENDATIONS: null }, true)).toBe('{"USER_ID":"1,\\"x\\":2","RECOMMENDATIONS":null}');
  });
});

describe('paddedIds', () => {
  it('pads a lookup to the next power of two with its last id, so batches of any size share a few statement texts', () => {
    expect(paddedIds(['7'])).toEqual(['7']);
    expect(paddedIds(['7', '8'])).toEqual(['7', '8']);
    expect(paddedIds(['7', '8', '9'])).toEqual(['7', '8', '9', '9']);
    expect(paddedIds(['1', '2', '3', '4', '5'])).toEqual(['1', '2', '3', '4', '5', '5', '5', '5']);
    // Sizes 1 to 100 (the default per-request limit): 8 statement texts, never twice the ids.
    const sizes = new Set<number>();
    for (let n = 1; n <= 100; n++) {
      const padded = paddedIds(Array.from({ length: n }, (_, i) => String(i)));
      expect(padded.slice(0, n)).toEqual(Array.from({ length: n }, (_, i) => String(i)));
      expect(padded.length).toBeLessThan(2 * n);
      sizes.add(padded.length);
    }
    expect([...sizes]).toEqual([1, 2, 4, 8, 16, 32, 64, 128]);
  });
});

describe('connectionOptions', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the SPCS token file afresh for every connection', async () => {
    dir = mkdtempSync(join(tmpdir(), 'papi-service-token-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'first-token\n', { mode: 0o600 });
    const settings = { kind: 'token-file' as const, tokenFile, account: 'PAPI', accessUrl: 'http://127.0.0.1:1', database: 'API', schema: 'DATA' };
    expect(await connectionOptions(settings)).toEqual({
      account: 'PAPI',
      accessUrl: 'http://127.0.0.1:1',
      database: 'API',
      schema: 'DATA',
      application: 'papi-service',
      sfRetryMaxLoginRetries: 2,
      authenticator: 'OAUTH',
      token: 'first-token',
    });
    writeFileSync(tokenFile, 'rotated-token');
    expect((await connectionOptions(settings)).token).toBe('rotated-token');
  });

  it('builds password and key-pair options', async () => {
    expect(await connectionOptions({ kind: 'password', account: 'A', username: 'u', password: 'p', warehouse: 'WH', role: 'R' })).toEqual({
      account: 'A',
      warehouse: 'WH',
      role: 'R',
      application: 'papi-service',
      sfRetryMaxLoginRetries: 2,
      username: 'u',
      password: 'p',
    });
    expect(await connectionOptions({ kind: 'key-pair', account: 'A', username: 'u', privateKeyPath: '/k.p8' })).toMatchObject({
      authenticator: 'SNOWFLAKE_JWT',
      privateKeyPath: '/k.p8',
    });
  });
});

// The store against papi local through the real driver: store-local.test.ts (lookups as a
// least-privilege role; sessions expiring under a rotating token file) and
// src/__tests__/service-outage.test.ts (the bundle, papi local stopped and restarted).
