import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthError, UsageError } from '../ui/errors.js';
import { decodeJwtExpiry, MAX_JWT_LIFETIME_SECONDS, signKeyPairJwt, tryDecodeJwtExpiry } from './jwt.js';

let privateKey: KeyObject;
let publicPem: string;
let fingerprint: string;

beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKey = pair.privateKey;
  publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const der = pair.publicKey.export({ type: 'spki', format: 'der' });
  fingerprint = `SHA256:${createHash('sha256').update(der).digest('base64')}`;
});

describe('signKeyPairJwt', () => {
  it('signs RS256 with the claims Snowflake checks, verifiable with the public key', async () => {
    const now = new Date('2026-03-01T12:00:00.750Z');
    const token = await signKeyPairJwt({ account: 'xy12345.us-east-2.aws', user: 'svc_data_api', privateKey, now });

    const { payload, protectedHeader } = await jwtVerify(token, await importSPKI(publicPem, 'RS256'), {
      currentDate: new Date('2026-03-01T12:10:00Z'),
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.iss).toBe(`XY12345.SVC_DATA_API.${fingerprint}`);
    expect(payload.sub).toBe('XY12345.SVC_DATA_API');
    // seconds, not milliseconds
    expect(payload.iat).toBe(Math.floor(now.getTime() / 1000));
    expect(payload.exp).toBe(Math.floor(now.getTime() / 1000) + 3540);
    expect(Object.keys(payload).sort()).toEqual(['exp', 'iat', 'iss', 'sub']);
  });

  it('normalises the org.account form and honours a shorter lifetime', async () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const token = await signKeyPairJwt({ account: 'myorg.my_account', user: 'Alice', privateKey, lifetimeSeconds: 120, now });
    const { payload } = await jwtVerify(token, await importSPKI(publicPem, 'RS256'), { currentDate: now });
    expect(payload.sub).toBe('MYORG-MY_ACCOUNT.ALICE');
    expect(payload.iss).toBe(`MYORG-MY_ACCOUNT.ALICE.${fingerprint}`);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
  });

  it('accepts an unencrypted PEM private key', async () => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const token = await signKeyPairJwt({ account: 'xy12345', user: 'u', privateKey: pem });
    const { payload } = await jwtVerify(token, await importSPKI(publicPem, 'RS256'));
    expect(payload.iss).toBe(`XY12345.U.${fingerprint}`);
    expect(decodeProtectedHeader(token).typ).toBe('JWT');
  });

  it('does not verify against another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const token = await signKeyPairJwt({ account: 'xy12345', user: 'u', privateKey });
    await expect(jwtVerify(token, other)).rejects.toThrow();
  });

  it('keeps exp at most 59 minutes after iat', async () => {
    expect(MAX_JWT_LIFETIME_SECONDS).toBe(59 * 60);
    for (const lifetimeSeconds of [3541, 3600, 0, -5, 1.5]) {
      await expect(signKeyPairJwt({ account: 'xy12345', user: 'u', privateKey, lifetimeSeconds })).rejects.toBeInstanceOf(UsageError);
    }
  });

  it('refuses a non-RSA key and an empty user', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await expect(signKeyPairJwt({ account: 'xy12345', user: 'u', privateKey: ec })).rejects.toBeInstanceOf(AuthError);
    await expect(signKeyPairJwt({ account: 'xy12345', user: ' ', privateKey })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('decodeJwtExpiry', () => {
  it('reads exp without verifying the signature', async () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const token = await signKeyPairJwt({ account: 'xy12345', user: 'u', privateKey, lifetimeSeconds: 600, now });
    expect(decodeJwtExpiry(token).toISOString()).toBe('2026-03-01T12:10:00.000Z');
  });

  it('understands exp in milliseconds, as the Node driver writes it', async () => {
    const expMs = Date.parse('2026-03-01T12:02:00Z');
    const token = await new SignJWT({ exp: expMs }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    expect(decodeJwtExpiry(token).toISOString()).toBe('2026-03-01T12:02:00.000Z');
  });

  it('rejects opaque tokens and JWTs without exp', async () => {
    const noExp = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    for (const token of ['opaque-token-value', '', 'a.b.c', noExp]) {
      expect(tryDecodeJwtExpiry(token)).toBeUndefined();
      expect(() => decodeJwtExpiry(token)).toThrow(AuthError);
    }
  });
});
