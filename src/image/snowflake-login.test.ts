// The registry login the Snowflake way with a real driver session: snowflake-sdk logs in to papi
// local, papi reads the session token from connection.serialize(), and papi local's registry
// (with the server's real TokenAuthority) accepts it as `0sessiontoken`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snowflake from 'snowflake-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalSnowflake } from '../local/index.js';
import { createTestDirectory, startHttp, type TestServer } from '../local/image-registry/__tests__/platform-doubles.js';
import { createRegistry } from '../local/image-registry/index.js';
import { RegistryClient } from './registry-client.js';
import { sessionTokenCredentials, sessionTokenFromConnection, snowflakeRegistryLogin } from './snowflake-login.js';

let dir: string;
let local: LocalSnowflake;
let registry: TestServer;
let connection: snowflake.Connection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'papi-login-'));
  local = await startLocal({ dataDir: join(dir, 'local'), password: 'login-test-password' });
  // The engine's catalog is not exposed by startLocal; the admin's grant is stated here instead.
  const directory = createTestDirectory({ repositories: { [local.user]: { 'API.DATA.IMAGES': ['READ', 'WRITE'] } } });
  registry = await startHttp(createRegistry({ dataDir: join(dir, 'registry'), tokens: local.tokens, directory }).app);
  snowflake.configure({ logLevel: 'ERROR' });
  connection = snowflake.createConnection({ accessUrl: local.accessUrl, account: local.account, username: local.user, password: 'login-test-password' });
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
});

afterAll(async () => {
  if (connection) await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  await registry?.close();
  await local?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('registry login with a driver session token', () => {
  it('reads the session token from the connection and logs in to the registry with it', async () => {
    const session = sessionTokenFromConnection(connection);
    expect(session.expiresIn).toBeGreaterThan(60);
    const bearer = await snowflakeRegistryLogin(registry.host, session);
    const ping = await fetch(`http://${registry.host}/v2/`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(ping.status).toBe(200);
    const client = new RegistryClient({ registry: registry.host, credentials: sessionTokenCredentials(session) });
    const tags = await client.listTags('api/data/images/papi').catch((error: unknown) => error);
    // Authenticated and authorized; the repository simply has no images yet.
    expect((tags as { status?: number }).status).toBe(404);
  });
});
