import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { getIngressToken, type IngressTokenOptions } from './ingress-token.js';
import { TokenCache } from './token-cache.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const serverKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
let dir: string;
let server: Server;
let accountUrl: string;
let exchanges: Array<{ scope: string | null; sub: unknown }>;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'papi-ingress-token-'));
  exchanges = [];
  // Verifies each assertion against the user's registered key and answers a 10-minute JWT as text.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', async () => {
      const form = new URLSearchParams(body);
      try {
        const { payload } = await jwtVerify(form.get('assertion') ?? '', publicKey);
        exchanges.push({ scope: form.get('scope'), sub: payload.sub });
        const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('10m').sign(serverKey);
        res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"390144","message":"JWT token is invalid.","success":false}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  accountUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function options(overrides: Partial<IngressTokenOptions> = {}): IngressTokenOptions {
  return {
    env: {},
    accountUrl,
    account: 'myorg.myacct',
    user: 'svc_data_api',
    role: 'DATA_API_ROLE',
    endpointHost: 'abc-myorg-myacct.snowflakecomputing.app',
    privateKey,
    cache: new TokenCache({ dir }),
    ...overrides,
  };
}

it('exchanges once, then serves the cached token until --refresh', async () => {
  const first = await getIngressToken(options());
  expect(first.source).toBe('exchange');
  expect(exchanges).toEqual([{ scope: 'session:role:DATA_API_ROLE abc-myorg-myacct.snowflakecomputing.app', sub: 'MYORG-MYACCT.SVC_DATA_API' }]);

  let loads = 0;
  const lazyKey = async () => {
    loads += 1;
    return privateKey;
  };
  // Same key written differently: same cache entry; the key is not even loaded.
  const second = await getIngressToken(options({ account: 'MYORG-MYACCT', endpointHost: 'https://abc-myorg-myacct.snowflakecomputing.app/', privateKey: lazyKey }));
  expect(second).toEqual({ token: first.token, expiresAt: first.expiresAt, source: 'cache' });
  expect(loads).toBe(0);
  expect(exchanges).toHaveLength(1);

  const refreshed = await getIngressToken(options({ refresh: true, privateKey: lazyKey }));
  expect(refreshed.source).toBe('exchange');
  expect(loads).toBe(1);
  expect(exchanges).toHaveLength(2);
});

it('uses a PAT from the environment without signing or exchanging anything', async () => {
  const result = await getIngressToken(options({ env: { SNOWFLAKE_PAT: 'my-pat' }, privateKey: async () => { throw new Error('must not load the key'); } }));
  expect(result).toEqual({ token: 'my-pat', expiresAt: undefined, source: 'environment', variable: 'SNOWFLAKE_PAT' });
  expect(exchanges).toHaveLength(0);
});

it('fails with the exchange error when the key is not the registered one, and caches nothing', async () => {
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  await expect(getIngressToken(options({ privateKey: stranger }))).rejects.toThrow(/JWT token is invalid/);
  expect(await new TokenCache({ dir }).get({ account: 'MYORG-MYACCT', user: 'svc_data_api', role: 'DATA_API_ROLE', endpointHost: 'abc-myorg-myacct.snowflakecomputing.app' })).toBeUndefined();
});
