// Conformance: suspending and resuming a service and its compute pool, as the tutorial ends
// ("ALTER SERVICE API.PUBLIC.API SUSPEND"), through the real snowflake-sdk against papi local.
//
// What Snowflake documents and these checks follow:
//  - https://docs.snowflake.com/en/sql-reference/sql/alter-service ("SUSPEND | RESUME"): suspending
//    shuts down and deletes the containers; resuming starts them again from the same image; calling a
//    suspended service's public endpoint resumes it (AUTO_RESUME, TRUE unless set otherwise:
//    https://docs.snowflake.com/en/sql-reference/sql/create-service).
//  - https://docs.snowflake.com/en/sql-reference/sql/alter-compute-pool ("SUSPEND | RESUME"):
//    suspending a pool suspends all services in it; a pool with AUTO_RESUME resumes when a service is
//    submitted to it.
//  - https://docs.snowflake.com/en/sql-reference/sql/show-service-containers-in-service: with no
//    instance running, one row whose instance and container fields are NULL.
// What no source says, and papi local's choice (see src/local/spcs/runtime.ts): the answer of the call
// that wakes a service (503 while it starts), the answer of a suspended service that a call does not
// resume (503 SERVICE_SUSPENDED), and SUSPEND of a suspended service (accepted, nothing changes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleImage } from '../../image/assemble.js';
import { RegistryClient } from '../../image/registry-client.js';
import { sessionTokenCredentials, sessionTokenFromConnection } from '../../image/snowflake-login.js';
import type { Connection } from '../../snowflake/driver.js';
import { isAlive } from '../instance.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

const SERVER = `
import { createServer } from 'node:http';
createServer((req, res) => res.end(JSON.stringify({ pid: process.pid })))
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('api listening'));
`;

const SPEC = `$$
spec:
  containers:
  - name: api
    image: /api/public/api/papi:latest
  endpoints:
  - name: api
    port: 8001
    public: true
$$`;

let target: LocalUnderTest;
let c: Connection;

type Row = Record<string, unknown>;
const run = (sql: string): Promise<Row[]> => c.execute(sql);
const status = async (sql: string): Promise<unknown> => (await run(sql))[0]?.status;
const service = async (): Promise<Row> => (await run("SHOW SERVICES LIKE 'API' IN SCHEMA API.PUBLIC"))[0]!;
const pool = async (): Promise<Row> => (await run("SHOW COMPUTE POOLS LIKE 'API'"))[0]!;

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ingress(): Promise<string> {
  return until(async () => {
    const url = String((await run('SHOW ENDPOINTS IN SERVICE API.PUBLIC.API'))[0]?.ingress_url ?? '');
    return /^127\.0\.0\.1:\d+$/.test(url) ? url : undefined;
  }, 'the endpoint');
}

function call(host: string): Promise<Response> {
  const token = target.local.tokens.issueOAuthToken({ user: target.local.user, role: 'SYSADMIN' }, 600);
  return fetch(`http://${host}/customer/22`, { headers: { authorization: `Snowflake Token="${token}"` } });
}

const running = () => until(async () => ((await service()).status === 'RUNNING' ? true : undefined), 'RUNNING');

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-suspend');
  c = await connectAdmin(target.local);
  for (const sql of [
    'CREATE DATABASE API',
    'CREATE IMAGE REPOSITORY API.PUBLIC.API',
    'CREATE COMPUTE POOL API MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS',
  ])
    await run(sql);
  // The service's owner may not be ACCOUNTADMIN: SYSADMIN creates it.
  for (const sql of ['GRANT USAGE ON DATABASE API TO ROLE SYSADMIN', 'GRANT ALL ON SCHEMA API.PUBLIC TO ROLE SYSADMIN', 'GRANT USAGE ON COMPUTE POOL API TO ROLE SYSADMIN', 'GRANT READ ON IMAGE REPOSITORY API.PUBLIC.API TO ROLE SYSADMIN', 'GRANT BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE SYSADMIN'])
    await run(sql);
  const url = String((await run('SHOW IMAGE REPOSITORIES IN SCHEMA API.PUBLIC'))[0]!.repository_url);
  const [registry, ...path] = url.split('/');
  const client = new RegistryClient({ registry: registry!, credentials: sessionTokenCredentials(sessionTokenFromConnection(c)) });
  await client.pushImage(`${path.join('/')}/papi`, 'latest', await assembleImage({ files: [{ path: 'server.mjs', content: SERVER }] }));
  await run('USE ROLE SYSADMIN');
  await run(`CREATE SERVICE API.PUBLIC.API IN COMPUTE POOL API FROM SPECIFICATION ${SPEC}`);
  await running();
}, 120_000);

afterAll(async () => {
  await c?.close();
  await target?.close();
});

describe('ALTER SERVICE … SUSPEND | RESUME', () => {
  it('suspends as the tutorial ends: containers stop, SHOW says SUSPENDED, the endpoint keeps its URL', async () => {
    const host = await ingress();
    const { pid } = (await (await call(host)).json()) as { pid: number };
    expect(await service()).toMatchObject({ auto_resume: 'true', suspended_on: null });
    // The tutorial's last statement, as it writes it.
    expect(await status('ALTER SERVICE API.PUBLIC.API SUSPEND')).toBe('Statement executed successfully.');
    expect(isAlive(pid)).toBe(false);
    const row = await service();
    expect(row).toMatchObject({ status: 'SUSPENDED', current_instances: 0 });
    expect(row.suspended_on).not.toBeNull();
    const containers = await run('SHOW SERVICE CONTAINERS IN SERVICE API.PUBLIC.API');
    expect(containers).toEqual([expect.objectContaining({ service_status: 'SUSPENDED', instance_id: null, container_name: null })]);
    const [described] = await run('DESCRIBE SERVICE API.PUBLIC.API');
    expect(described).toMatchObject({ status: 'SUSPENDED' });
    const [state] = await run("SELECT SYSTEM$GET_SERVICE_STATUS('API.PUBLIC.API') AS S");
    expect(JSON.parse(String(state!.S))).toEqual([expect.objectContaining({ status: 'SUSPENDED' })]);
    expect(await ingress()).toBe(host);
    // Again: nothing changes.
    expect(await status('ALTER SERVICE API.PUBLIC.API SUSPEND')).toBe('Statement executed successfully.');
    expect((await service()).status).toBe('SUSPENDED');
  });

  it('RESUME starts the containers again from the same image, on the same URL', async () => {
    const host = await ingress();
    expect(await status('ALTER SERVICE API.PUBLIC.API RESUME')).toBe('Statement executed successfully.');
    await running();
    expect((await call(host)).status).toBe(200);
    expect((await service()).suspended_on).toBeNull();
    // RESUME of a running service changes nothing.
    expect(await status('ALTER SERVICE API.PUBLIC.API RESUME')).toBe('Statement executed successfully.');
    expect((await service()).status).toBe('RUNNING');
  });

  it('a call to the suspended endpoint resumes the service when AUTO_RESUME is on; with it off, the ingress says it is suspended', async () => {
    const host = await ingress();
    await run('ALTER SERVICE API.PUBLIC.API SET AUTO_RESUME = FALSE');
    expect((await service()).auto_resume).toBe('false');
    await run('ALTER SERVICE API.PUBLIC.API SUSPEND');
    const refused = await call(host);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toBe('SERVICE_SUSPENDED');
    expect((await service()).status).toBe('SUSPENDED');

    await run('ALTER SERVICE API.PUBLIC.API SET AUTO_RESUME = TRUE');
    expect((await call(host)).status).toBe(503);
    await running();
    expect((await call(host)).status).toBe(200);
  });
});

describe('ALTER COMPUTE POOL … SUSPEND | RESUME', () => {
  it('suspending the pool suspends its services; resuming the pool leaves them suspended until RESUME', async () => {
    const host = await ingress();
    await run('USE ROLE ACCOUNTADMIN');
    expect(await status('ALTER COMPUTE POOL API SUSPEND')).toBe('Statement executed successfully.');
    expect((await pool()).state).toBe('SUSPENDED');
    expect((await service()).status).toBe('SUSPENDED');
    // A call does not wake a service whose pool is suspended (papi local's choice: no source says).
    expect(((await (await call(host)).json()) as { error: string }).error).toBe('SERVICE_SUSPENDED');
    expect(await status('ALTER COMPUTE POOL API RESUME')).toBe('Statement executed successfully.');
    expect((await pool()).state).not.toBe('SUSPENDED');
    expect((await service()).status).toBe('SUSPENDED');
    expect(await status('ALTER SERVICE API.PUBLIC.API RESUME')).toBe('Statement executed successfully.');
    await running();
  });

  it('resuming a service resumes its suspended pool when the pool has AUTO_RESUME, and is refused otherwise', async () => {
    await run('ALTER COMPUTE POOL API SUSPEND');
    await run('ALTER COMPUTE POOL API SET AUTO_RESUME = FALSE');
    const refused = await driverFailure(run('ALTER SERVICE API.PUBLIC.API RESUME'));
    expect(refused.message).toMatch(/Compute pool API is suspended/);
    expect((await service()).status).toBe('SUSPENDED');
    await run('ALTER COMPUTE POOL API SET AUTO_RESUME = TRUE');
    expect(await status('ALTER SERVICE API.PUBLIC.API RESUME')).toBe('Statement executed successfully.');
    expect((await pool()).state).not.toBe('SUSPENDED');
    await running();
  });
});

describe('a restart of papi local', () => {
  it('keeps a suspended service suspended, on the same endpoint URL, and RESUME brings it back', async () => {
    const host = await ingress();
    await run('ALTER SERVICE API.PUBLIC.API SET AUTO_RESUME = FALSE');
    await run('ALTER SERVICE API.PUBLIC.API SUSPEND');
    await c.close();
    await target.restart();
    c = await connectAdmin(target.local);
    expect((await service()).status).toBe('SUSPENDED');
    expect(await ingress()).toBe(host);
    expect(((await (await call(host)).json()) as { error: string }).error).toBe('SERVICE_SUSPENDED');
    await run('ALTER SERVICE API.PUBLIC.API RESUME');
    await running();
    expect((await call(host)).status).toBe(200);
  });

  it('a suspended service can be dropped, and its endpoint goes with it', async () => {
    const host = await ingress();
    await run('ALTER SERVICE API.PUBLIC.API SUSPEND');
    expect(await status('DROP SERVICE API.PUBLIC.API')).toBe('API successfully dropped.');
    await expect(fetch(`http://${host}/`)).rejects.toThrow();
    expect(await status('DROP COMPUTE POOL API')).toBe('API successfully dropped.');
  });
});
