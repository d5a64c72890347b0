// The SQL API through the real snowflake-sdk against startLocal on a temp data directory.
import crypto, { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeForIngressToken } from '../../auth/oauth.js';
import { signKeyPairJwt } from '../../auth/jwt.js';
import { connect, loadDriver, type Connection } from '../../snowflake/driver.js';
import { AuthError, SnowflakeError } from '../../ui/errors.js';
import { startLocal, type LocalSnowflake } from '../index.js';
import { publicKeyFingerprint } from './keypair-jwt.js';

let dataDir: string;
let local: LocalSnowflake;
const keyDir = mkdtempSync(path.join(tmpdir(), 'papi-keys-'));

function rsaKeyPair(name: string): { privateKey: KeyObject; privateKeyPath: string; publicBody: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPath = path.join(keyDir, `${name}.p8`);
  writeFileSync(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { privateKey, privateKeyPath, publicBody: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

const registered = rsaKeyPair('registered');
const stranger = rsaKeyPair('stranger');

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'papi-local-'));
  local = await startLocal({ dataDir, password: 'secret-pw', tokenLifetimes: { sessionSeconds: 2, masterSeconds: 3600 } });
  // The service user of papi's setup: key pair only, a least-privilege default role.
  await withConnection(async (c) => {
    await c.execute('CREATE ROLE DATA_API_ROLE');
    await c.execute(`CREATE USER SVC TYPE = SERVICE DEFAULT_ROLE = DATA_API_ROLE RSA_PUBLIC_KEY = '${registered.publicBody}'`);
    await c.execute('GRANT ROLE DATA_API_ROLE TO USER SVC');
    await c.execute('CREATE DATABASE PROTO');
    await c.execute('CREATE TABLE PROTO.PUBLIC.T (N NUMBER, LABEL VARCHAR)');
  });
});

afterAll(async () => {
  await local?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

const admin = () => ({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password });

async function withConnection<T>(fn: (c: Connection) => Promise<T>, params: Parameters<typeof connect>[0] = admin()): Promise<T> {
  const connection = await connect(params);
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

/** The raw driver error of a failed promise (the typed error's cause). */
async function driverError(promise: Promise<unknown>): Promise<{ code?: string; sqlState?: string; data?: { queryId?: string } }> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return (error as { cause?: unknown }).cause as { code?: string };
}

describe('login', () => {
  it('logs in with the password and runs queries with binds', async () => {
    await withConnection(async (c) => {
      expect(await c.execute('SELECT 1')).toEqual([{ 1: 1 }]);
      expect(await c.execute('SELECT ? AS A, ? AS B', [22, 'abc'])).toEqual([{ A: 22, B: 'abc' }]);
      expect(await c.execute('SELECT CURRENT_ROLE()')).toEqual([{ 'CURRENT_ROLE()': 'ACCOUNTADMIN' }]);
    });
  });

  it('refuses a wrong password with 390100 as an AuthError', async () => {
    const failed = connect({ ...admin(), password: 'nope' });
    await expect(failed).rejects.toBeInstanceOf(AuthError);
    expect((await driverError(failed)).code).toBe('390100');
  });

  // papi local remembers verified passwords (one hash per pool); ALTER USER … SET PASSWORD must still
  // retire the old one at once (https://docs.snowflake.com/en/sql-reference/sql/alter-user).
  it('refuses a wrong password after the right one was remembered, and the old password after ALTER USER … SET PASSWORD', async () => {
    await withConnection((c) => c.execute("CREATE USER ROTATING PASSWORD = 'first-pw'"));
    const rotating = { ...admin(), user: 'ROTATING' };
    await Promise.all(Array.from({ length: 5 }, () => withConnection((c) => c.execute('SELECT 1'), { ...rotating, password: 'first-pw' })));
    expect((await driverError(connect({ ...rotating, password: 'first-pW' }))).code).toBe('390100');
    await withConnection((c) => c.execute("ALTER USER ROTATING SET PASSWORD = 'second-pw'"));
    expect((await driverError(connect({ ...rotating, password: 'first-pw' }))).code).toBe('390100');
    expect(await withConnection((c) => c.execute('SELECT CURRENT_USER() AS U'), { ...rotating, password: 'second-pw' })).toEqual([{ U: 'ROTATING' }]);
  });

  it('refuses a role not granted to the user at login', async () => {
    const failed = connect({ ...admin(), role: 'NOBODY' });
    expect((await driverError(failed)).code).toBe('390189');
  });

  it('logs in with a key pair and refuses the wrong key with 390144', async () => {
    const rows = await withConnection((c) => c.execute('SELECT CURRENT_ROLE()'), {
      account: local.account,
      accessUrl: local.accessUrl,
      user: 'svc',
      authenticator: 'SNOWFLAKE_JWT',
      privateKeyPath: registered.privateKeyPath,
    });
    expect(rows).toEqual([{ 'CURRENT_ROLE()': 'DATA_API_ROLE' }]);
    const failed = connect({ account: local.account, accessUrl: local.accessUrl, user: 'SVC', authenticator: 'SNOWFLAKE_JWT', privateKeyPath: stranger.privateKeyPath });
    expect((await driverError(failed)).code).toBe('390144');
  });

  it('refuses an expired JWT and one that lives longer than an hour (seconds and milliseconds)', async () => {
    const fp = publicKeyFingerprint(registered.publicBody);
    const login = async (iat: number, exp: number) => {
      const jwt = await new SignJWT({ iss: `PAPI.SVC.${fp}`, sub: 'PAPI.SVC', iat, exp }).setProtectedHeader({ alg: 'RS256' }).sign(registered.privateKey);
      const response = await fetch(`${local.accessUrl}/session/v1/login-request`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { ACCOUNT_NAME: 'PAPI', LOGIN_NAME: 'SVC', AUTHENTICATOR: 'SNOWFLAKE_JWT', TOKEN: jwt } }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { success: boolean; code?: string; data: { sqlState?: string } };
    };
    const now = Math.floor(Date.now() / 1000);
    expect(await login(now - 10, now + 60)).toMatchObject({ success: true });
    expect(await login((now - 10) * 1000, (now + 60) * 1000)).toMatchObject({ success: true });
    expect(await login(now - 120, now - 60)).toMatchObject({ success: false, code: '390144', data: { sqlState: '08004' } });
    expect(await login(now - 10, now + 3700)).toMatchObject({ success: false, code: '390144' });
  });

  it('issues OAuth tokens for a granted role and logs in with them', async () => {
    const jwt = await signKeyPairJwt({ account: 'PAPI', user: 'SVC', privateKey: registered.privateKey, lifetimeSeconds: 60 });
    const token = await exchangeForIngressToken({ accountUrl: local.accessUrl, jwt, role: 'DATA_API_ROLE', endpointHost: 'abc-papi.local' });
    expect(token.expirySource).toBe('token');
    expect(local.tokens.verifyOAuthToken(token.token)).toEqual({ user: 'SVC', role: 'DATA_API_ROLE', audience: 'abc-papi.local' });
    const rows = await withConnection((c) => c.execute('SELECT CURRENT_ROLE()'), { account: 'PAPI', accessUrl: local.accessUrl, authenticator: 'OAUTH', token: token.token });
    expect(rows).toEqual([{ 'CURRENT_ROLE()': 'DATA_API_ROLE' }]);

    const notGranted = exchangeForIngressToken({ accountUrl: local.accessUrl, jwt, role: 'SYSADMIN', endpointHost: 'abc-papi.local' });
    await expect(notGranted).rejects.toMatchObject({ status: 400 });
    const wrongKey = await signKeyPairJwt({ account: 'PAPI', user: 'SVC', privateKey: stranger.privateKey, lifetimeSeconds: 60 });
    await expect(exchangeForIngressToken({ accountUrl: local.accessUrl, jwt: wrongKey, endpointHost: 'abc-papi.local' })).rejects.toMatchObject({ status: 401 });

    const forged = connect({ account: 'PAPI', accessUrl: local.accessUrl, authenticator: 'OAUTH', token: `${token.token}x` });
    expect((await driverError(forged)).code).toBe('390303');
  });
});

describe('programmatic access tokens', () => {
  it('log in as the authenticator or as the password, in the restricted role, until removed', async () => {
    const [created] = await withConnection((c) => c.execute<{ token_name: string; token_secret: string }>("ALTER USER SVC ADD PAT LOGIN_PAT ROLE_RESTRICTION = 'DATA_API_ROLE'"));
    expect(created?.token_name).toBe('LOGIN_PAT');
    const secret = created!.token_secret;
    const asPat = { account: 'PAPI', accessUrl: local.accessUrl, user: 'SVC', authenticator: 'PROGRAMMATIC_ACCESS_TOKEN' as const, token: secret };
    const whoAmI = (c: Connection) => c.execute('SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R');
    expect(await withConnection(whoAmI, asPat)).toEqual([{ U: 'SVC', R: 'DATA_API_ROLE' }]);
    // The driver needs no user name for this authenticator.
    expect(await withConnection(whoAmI, { ...asPat, user: undefined })).toEqual([{ U: 'SVC', R: 'DATA_API_ROLE' }]);
    // SVC has no password (TYPE = SERVICE): the token takes its place.
    expect(await withConnection(whoAmI, { account: 'PAPI', accessUrl: local.accessUrl, user: 'svc', password: secret })).toEqual([{ U: 'SVC', R: 'DATA_API_ROLE' }]);

    expect((await driverError(connect({ ...asPat, user: local.user }))).code).toBe('390100');
    expect((await driverError(connect({ ...asPat, role: 'PUBLIC' }))).code).toBe('390189');
    expect((await driverError(connect({ ...asPat, token: `${secret}x` }))).code).toBe('390100');
    await withConnection((c) => c.execute('ALTER USER SVC REMOVE PAT LOGIN_PAT'));
    expect((await driverError(connect(asPat))).code).toBe('390100');
    expect((await driverError(connect({ account: 'PAPI', accessUrl: local.accessUrl, user: 'SVC', password: secret }))).code).toBe('390100');
  });
});

describe('queries', () => {
  it('answers errors with code, sqlState and queryId', async () => {
    await withConnection(async (c) => {
      const failed = c.execute('SELECT * FROM PROTO.PUBLIC.MISSING');
      await expect(failed).rejects.toBeInstanceOf(SnowflakeError);
      await expect(failed).rejects.toMatchObject({ snowflakeCode: '002003', statement: 'SELECT * FROM PROTO.PUBLIC.MISSING' });
      const cause = (await driverError(failed)) as { code?: string; sqlState?: string; data?: { queryId?: string; sqlState?: string; errorCode?: string } };
      expect(cause.data?.queryId).toMatch(/^[0-9a-f-]{36}$/);
      expect(cause.sqlState).toMatch(/^[0-9A-Z]{5}$/);
      expect(cause.data).toMatchObject({ errorCode: '002003', sqlState: cause.sqlState });
    });
  });

  it('serves a large result in chunks', async () => {
    await withConnection(async (c) => {
      await c.execute('CREATE TABLE PROTO.PUBLIC.BIG (SEQ NUMBER, LABEL VARCHAR)');
      await c.execute('INSERT INTO PROTO.PUBLIC.BIG (SEQ, LABEL) VALUES (?, ?)', Array.from({ length: 20000 }, (_, i) => [i, `row ${i}`]));
      const rows = await c.execute<{ SEQ: number; LABEL: string }>('SELECT SEQ, LABEL FROM PROTO.PUBLIC.BIG ORDER BY SEQ');
      expect(rows).toHaveLength(20000);
      expect(rows[0]).toEqual({ SEQ: 0, LABEL: 'row 0' });
      expect(rows[19999]).toEqual({ SEQ: 19999, LABEL: 'row 19999' });
      expect(new Set(rows.map((r) => r.SEQ)).size).toBe(20000);
    });
  });

  it('runs a query asynchronously and fetches its result by id', async () => {
    await withConnection(async (c) => {
      const result = await c.executeRaw('SELECT 42 AS ANSWER', [], { async: true });
      expect(result.rows).toEqual([{ ANSWER: 42 }]);
      const failed = c.executeRaw('SELECT * FROM PROTO.PUBLIC.MISSING', [], { async: true });
      await expect(failed).rejects.toBeInstanceOf(SnowflakeError);
    });
  });

  it('keeps a connection alive across session token expiry (renewal with the master token)', async () => {
    await withConnection(async (c) => {
      expect(await c.execute('SELECT 1')).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 2500)); // the session token lives 2 s here
      expect(await c.execute('SELECT 1')).toEqual([{ 1: 1 }]);
    });
  });

  it("exposes the driver's session token through serialize() (the registry login reads it there)", async () => {
    await withConnection(async (c) => {
      const serialized = JSON.parse(c.serialize()) as { tokenInfo?: { sessionToken?: string }; services?: { sf?: { tokenInfo?: { sessionToken?: string } } } };
      const token = serialized.tokenInfo?.sessionToken ?? serialized.services?.sf?.tokenInfo?.sessionToken;
      expect(local.tokens.verifySessionToken(String(token))).toEqual({ user: 'PAPI', role: 'ACCOUNTADMIN' });
    });
  });

  it('answers heartbeats and logs out on destroy', async () => {
    const sdk = await loadDriver();
    const connection = sdk.createConnection({ account: 'PAPI', accessUrl: local.accessUrl, username: local.user, password: local.password });
    await connection.connectAsync();
    expect(await connection.isValidAsync()).toBe(true);
    const before = local.activeSessions();
    await new Promise<void>((resolve, reject) => connection.destroy((e) => (e ? reject(e) : resolve())));
    expect(local.activeSessions()).toBe(before - 1);
  });

  it('runs a retried request (same requestId) only once', async () => {
    const login = await post('/session/v1/login-request', { data: { ACCOUNT_NAME: 'PAPI', LOGIN_NAME: local.user, PASSWORD: local.password } });
    const token = (login.data as { token: string }).token;
    const count = async () => (await post('/queries/v1/query-request?requestId=' + crypto.randomUUID(), { sqlText: 'SELECT COUNT(*) AS N FROM PROTO.PUBLIC.T' }, token)).data as { rowset: string[][] };
    const before = Number((await count()).rowset[0]![0]);
    const query = () =>
      post('/queries/v1/query-request?requestId=8c1b0e7e-2f0e-4c39-9d5e-5d9f3a1c0a11', { sqlText: 'INSERT INTO PROTO.PUBLIC.T (N, LABEL) VALUES (?, ?)', bindings: { 1: { type: 'FIXED', value: '7' }, 2: { type: 'TEXT', value: 'once' } } }, token);
    const first = await query();
    const second = await query();
    expect(first.success).toBe(true);
    expect(second).toEqual(first);
    expect(Number((await count()).rowset[0]![0])).toBe(before + 1);
  });

  it('issues a session token (ISSUE) that logs in to the mounted registry and outlives the logout', async () => {
    const login = await post('/session/v1/login-request', { data: { ACCOUNT_NAME: 'PAPI', LOGIN_NAME: local.user, PASSWORD: local.password } });
    const { token, masterToken } = login.data as { token: string; masterToken: string };
    const issued = await post('/session/token-request', { requestType: 'ISSUE' }, masterToken);
    const { sessionToken, validityInSecondsST } = issued.data as { sessionToken: string; validityInSecondsST: number };
    expect(validityInSecondsST).toBeGreaterThan(0);
    expect(local.tokens.verifySessionToken(sessionToken)).toEqual({ user: 'PAPI', role: 'ACCOUNTADMIN' });
    expect(await post('/session?delete=true', {}, token)).toMatchObject({ success: true });

    const basic = Buffer.from(`0sessiontoken:${JSON.stringify({ token: sessionToken, expires_in: validityInSecondsST })}`).toString('base64');
    const registry = await fetch(`${local.accessUrl}/login`, { headers: { authorization: `Basic ${basic}` } });
    expect(registry.status).toBe(200);
    expect(await registry.json()).toHaveProperty('token');
    expect(local.tokens.verifySessionToken(token)).toBeUndefined();
  });

  it('answers an unknown session token with 390112 and a gzip body like a plain one', async () => {
    const expired = await post('/queries/v1/query-request?requestId=x', { sqlText: 'SELECT 1' }, local.tokens.issue({ kind: 'session', sid: '1', user: 'PAPI' }, 60));
    expect(expired).toMatchObject({ success: false, code: '390112' });
    const { gzipSync } = await import('node:zlib');
    const response = await fetch(`${local.accessUrl}/session/v1/login-request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: gzipSync(JSON.stringify({ data: { ACCOUNT_NAME: 'PAPI', LOGIN_NAME: local.user, PASSWORD: local.password } })),
    });
    expect(await response.json()).toMatchObject({ success: true });
  });
});

async function post(pathAndQuery: string, body: unknown, token?: string): Promise<{ success: boolean; code?: string; data: unknown }> {
  const response = await fetch(`${local.accessUrl}${pathAndQuery}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Snowflake Token="${token}"` } : {}) },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { success: boolean; code?: string; data: unknown };
}
