// The SQL API app through app.request(): its error middleware answers every failure as HTTP 200 in
// Snowflake's shape (the driver retries 5xx for a minute), its 404s, and gzip bodies (a gzip bomb is a
// 413, a corrupt one a 400, over real HTTP). With the real
// engine behind startLocal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalSnowflake } from '../index.js';
import { createTokenAuthority } from '../tokens.js';
import { createSqlApi } from './index.js';

let dataDir: string;
let local: LocalSnowflake;
let token: string;

const snowflakeFailure = (code: string, sqlState: string) => ({ success: false, code, data: { errorCode: code, sqlState }, headers: null });

function post(pathAndQuery: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(local.app.request(pathAndQuery, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }));
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'papi-sql-api-'));
  local = await startLocal({ dataDir, password: 'app-request-pw' });
  const login = await post('/session/v1/login-request', gzipSync(JSON.stringify({ data: { LOGIN_NAME: local.user, PASSWORD: 'app-request-pw' } })));
  token = ((await login.json()) as { data: { token: string } }).data.token;
});

afterAll(async () => {
  await local?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the SQL API app', () => {
  it('answers "starting" as a Snowflake failure on every path until the engine is attached', async () => {
    const { app } = createSqlApi({ tokens: await createTokenAuthority(dataDir) });
    for (const [method, route] of [['POST', '/session/v1/login-request'], ['POST', '/queries/v1/query-request'], ['GET', '/nowhere']] as const) {
      const response = await app.request(route, { method });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ ...snowflakeFailure('390400', '08001'), message: 'papi local is starting; try again in a moment.' });
    }
  });

  it('logs in with a gzip body and runs a query', async () => {
    expect(token).toEqual(expect.any(String));
    const response = await post('/queries/v1/query-request?requestId=r1', JSON.stringify({ sqlText: 'SELECT 1 AS ONE' }), { authorization: `Snowflake Token="${token}"` });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: true, data: { rowset: [['1']] } });
  });

  it('answers a malformed body and an internal error with HTTP 200 and the failure shape; a token that is not valid with 401', async () => {
    // Snowflake answers an invalid session token with HTTP 401 and 390104: the driver then raises its own invalid-token error.
    const noToken = await post('/queries/v1/query-request', '{}');
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject(snowflakeFailure('390104', '08001'));
    const malformed = await post('/session/v1/login-request', '{not json');
    expect(malformed.status).toBe(200);
    expect(await malformed.json()).toMatchObject(snowflakeFailure('000603', 'XX000'));
  });

  it('answers unknown paths 404 in its JSON, after checking the session on SQL API paths', async () => {
    const unknown = await local.app.request('/nowhere');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ success: false, code: '404', message: 'Not found: GET /nowhere', data: null });
    const wrongMethod = await local.app.request('/session/heartbeat');
    expect(wrongMethod.status).toBe(401);
    expect(await wrongMethod.json()).toMatchObject(snowflakeFailure('390104', '08001'));
    const signedIn = await local.app.request('/session/heartbeat', { headers: { authorization: `Snowflake Token="${token}"` } });
    expect(signedIn.status).toBe(404);
  });

  it('refuses a gzip bomb before login with 413 in the failure shape, without inflating it (over real HTTP)', async () => {
    // 300 gzip members of 1 MB of zeros: about 300 KB that inflate to 300 MB (gunzip reads every member).
    const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 300 }, () => member));
    expect(bomb.length).toBeLessThan(400 * 1024);
    const before = process.memoryUsage().rss;
    for (const [route, contentType] of [['/session/v1/login-request', 'application/json'], ['/oauth/token', 'application/x-www-form-urlencoded'], ['/session/token-request', 'application/json']]) {
      const response = await fetch(`${local.accessUrl}${route}`, { method: 'POST', headers: { 'content-type': contentType, 'content-encoding': 'gzip' }, body: bomb });
      expect(response.status, route).toBe(413);
      expect(await response.json(), route).toMatchObject({ ...snowflakeFailure('000603', '54000'), message: 'Request body too large.' });
    }
    // Inflated, one bomb alone would have added 300 MB (a JSON.parse of it more).
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
    // A body that is not valid gzip is the client's mistake too; a normal login still works.
    const corrupt = await fetch(`${local.accessUrl}/session/v1/login-request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: member.subarray(0, 40) });
    expect(corrupt.status).toBe(400);
    expect(await corrupt.json()).toMatchObject(snowflakeFailure('000603', '08P01'));
    const login = await fetch(`${local.accessUrl}/session/v1/login-request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: gzipSync(JSON.stringify({ data: { LOGIN_NAME: local.user, PASSWORD: 'app-request-pw' } })) });
    expect(await login.json()).toMatchObject({ success: true });
  });

  it('inflates small gzip bodies on the event loop with the same limits: past the cap a 413, past the inline cap the long way', async () => {
    // Bodies of a few KB inflate inline, their output capped at 1 MB: a small bomb before login (cap 1 MB) is refused there…
    const smallBomb = gzipSync(Buffer.alloc(2 * 1024 * 1024), { level: 9 });
    expect(smallBomb.length).toBeLessThan(16 * 1024);
    const refused = await fetch(`${local.accessUrl}/session/v1/login-request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: smallBomb });
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject(snowflakeFailure('000603', '54000'));
    // …and a small query request that inflates past 1 MB, within the query cap (64 MB), is inflated off the loop and runs.
    const sqlText = `SELECT 'inflated' AS A /* ${'x'.repeat(2 * 1024 * 1024)} */`;
    const body = gzipSync(JSON.stringify({ sqlText }), { level: 9 });
    expect(body.length).toBeLessThan(16 * 1024);
    const answer = await fetch(`${local.accessUrl}/queries/v1/query-request`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Snowflake Token="${token}"` }, body });
    expect(await answer.json()).toMatchObject({ success: true, data: { rowset: [['inflated']] } });
  });

  it('serves chunks only with their key', async () => {
    const response = await local.app.request('/papi-local/chunks/no-such-query/0?key=x');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('not found');
  });
});

describe('the account URL', () => {
  it('routes /v2 and /login to the image registry, which answers in OCI shapes', async () => {
    // No Host header under app.request(): the realm falls back to 127.0.0.1.
    const ping = await local.app.request('/v2/');
    expect(ping.status).toBe(401);
    expect(ping.headers.get('www-authenticate')).toBe('Bearer realm="http://127.0.0.1/login",service="papi-local-registry"');
    expect(ping.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(await ping.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });

    const basic = `Basic ${Buffer.from(`0sessiontoken:${JSON.stringify({ token })}`).toString('base64')}`;
    const login = await local.app.request('/login', { headers: { authorization: basic } });
    expect(login.status).toBe(200);
    const { token: bearer } = (await login.json()) as { token: string };
    const authorized = await local.app.request('/v2', { headers: { authorization: `Bearer ${bearer}` } });
    expect(authorized.status).toBe(200);
    expect(await authorized.json()).toEqual({});

    const refused = await local.app.request('/login');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Basic realm="papi-local-registry"');
  });
});
