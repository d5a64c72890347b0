// The image and SPCS path through papi local as papi uses it: the real snowflake-sdk driver, the real
// engine and server (startLocal), papi's registry client logged in with the driver's session token,
// SHOW IMAGES after the push, CREATE SERVICE from SQL (by a role other than ACCOUNTADMIN), SYSTEM$
// functions, SHOW ENDPOINTS polling, and the ingress with OAuth tokens and programmatic access tokens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snowflake from 'snowflake-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assembleImage } from '../../image/assemble.js';
import { RegistryClient } from '../../image/registry-client.js';
import { sessionTokenCredentials, sessionTokenFromConnection } from '../../image/snowflake-login.js';
import { startLocal, type LocalSnowflake } from '../index.js';

const SERVER = `
import { createServer } from 'node:http';
createServer((req, res) => res.end(JSON.stringify({ user: req.headers['sf-context-current-user'], database: process.env.SNOWFLAKE_DATABASE })))
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('echo up'));
`;

let dir: string;
let local: LocalSnowflake;
let connection: snowflake.Connection;

function sql(sqlText: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) =>
    connection.execute({ sqlText, complete: (error, _statement, rows) => (error ? reject(error) : resolve((rows ?? []) as Array<Record<string, unknown>>)) }),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'papi-spcs-local-'));
  local = await startLocal({ dataDir: dir, password: 'spcs-local-test' });
  snowflake.configure({ logLevel: 'ERROR' });
  connection = snowflake.createConnection({ accessUrl: local.accessUrl, account: local.account, username: local.user, password: 'spcs-local-test' });
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
});

afterAll(async () => {
  if (connection) await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  await local?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SPCS on papi local through the driver', () => {
  it('pushes with the session token, runs the service and serves it through the ingress', async () => {
    await sql('CREATE DATABASE API');
    await sql('CREATE SCHEMA API.DATA');
    await sql('CREATE IMAGE REPOSITORY API.DATA.IMAGES');
    await sql('CREATE COMPUTE POOL POOL MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS');
    const [repository] = await sql('SHOW IMAGE REPOSITORIES IN SCHEMA API.DATA');
    const [registry, ...path] = String(repository!.repository_url).split('/');

    const image = await assembleImage({ files: [{ path: 'server.mjs', content: SERVER }] });
    const client = new RegistryClient({ registry: registry!, credentials: sessionTokenCredentials(sessionTokenFromConnection(connection)) });
    const pushed = await client.pushImage(`${path.join('/')}/echo`, 'v1', image);
    expect(pushed.digest).toBe(image.manifest.digest);

    const [listed, ...more] = await sql('SHOW IMAGES IN IMAGE REPOSITORY API.DATA.IMAGES');
    expect(more).toEqual([]);
    expect(listed).toMatchObject({ image_name: 'echo', tags: 'v1', digest: image.manifest.digest, image_path: 'api/data/images/echo:v1' });
    expect(listed!.created_on).toBeInstanceOf(Date);

    const spec = { spec: { containers: [{ name: 'echo', image: `/${path.join('/')}/echo:v1`, readinessProbe: { port: 8001, path: '/' } }], endpoints: [{ name: 'api', port: 8001, public: true }] } };
    const create = `CREATE SERVICE API.DATA.ECHO IN COMPUTE POOL POOL FROM SPECIFICATION $$${JSON.stringify(spec)}$$`;
    // SPCS refuses ACCOUNTADMIN as the owner: the service is created by a role of its own, as papi deploy does.
    await expect(sql(create)).rejects.toMatchObject({ code: '003001' });
    for (const statement of [
      'CREATE ROLE APP',
      `GRANT ROLE APP TO USER ${local.user}`,
      'GRANT USAGE ON DATABASE API TO ROLE APP',
      'GRANT USAGE, CREATE SERVICE ON SCHEMA API.DATA TO ROLE APP',
      'GRANT READ ON IMAGE REPOSITORY API.DATA.IMAGES TO ROLE APP',
      'GRANT USAGE ON COMPUTE POOL POOL TO ROLE APP',
      'GRANT BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE APP',
      'USE ROLE APP',
    ])
      await sql(statement);
    await sql(create);
    await sql(`SELECT SYSTEM$WAIT_FOR_SERVICES(30, 'API.DATA.ECHO')`);
    const [container] = await sql('SHOW SERVICE CONTAINERS IN SERVICE API.DATA.ECHO');
    expect(container).toMatchObject({ status: 'READY', image_digest: image.manifest.digest });

    // Like papi deploy: poll SHOW ENDPOINTS until the ingress_url is a host.
    let ingress = '';
    const deadline = Date.now() + 30_000;
    while (!/^127\.0\.0\.1:\d+$/.test(ingress) && Date.now() < deadline) {
      const [endpoint] = await sql('SHOW ENDPOINTS IN SERVICE API.DATA.ECHO');
      ingress = String(endpoint!.ingress_url);
      if (!/^127\.0\.0\.1:\d+$/.test(ingress)) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ingress).toMatch(/^127\.0\.0\.1:\d+$/);

    const token = local.tokens.issueOAuthToken({ user: local.user, role: 'ACCOUNTADMIN', audience: ingress }, 600);
    const answer = await fetch(`http://${ingress}/`, { headers: { authorization: `Snowflake Token="${token}"` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ user: local.user, database: 'API' });
    expect((await fetch(`http://${ingress}/`)).status).toBe(401);

    // A programmatic access token is accepted as it is, in its ROLE_RESTRICTION, until it expires or is removed.
    await sql('USE ROLE ACCOUNTADMIN');
    await sql('CREATE USER CALLER TYPE = SERVICE DEFAULT_ROLE = APP');
    await sql('GRANT ROLE APP TO USER CALLER');
    const [pat] = await sql("ALTER USER CALLER ADD PAT INGRESS ROLE_RESTRICTION = 'APP' DAYS_TO_EXPIRY = 1");
    const withPat = () => fetch(`http://${ingress}/`, { headers: { authorization: `Snowflake Token="${String(pat!.token_secret)}"` } });
    const viaPat = await withPat();
    expect(viaPat.status).toBe(200);
    expect(await viaPat.json()).toEqual({ user: 'CALLER', database: 'API' });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 2 * 86_400_000);
      expect((await withPat()).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
    expect((await withPat()).status).toBe(200);
    await sql('ALTER USER CALLER REMOVE PAT INGRESS');
    expect((await withPat()).status).toBe(401);

    const [logs] = await sql(`SELECT SYSTEM$GET_SERVICE_LOGS('API.DATA.ECHO', 0, 'echo') AS LOGS`);
    expect(String(logs!.LOGS)).toContain('echo up');
    await sql('DROP SERVICE API.DATA.ECHO');
    await expect(fetch(`http://${ingress}/`)).rejects.toThrow();
  });
});
