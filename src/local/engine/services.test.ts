// Service DDL and the SYSTEM$ service functions against the real SPCS runner and registry: a one-file
// Node image is pushed to papi local's registry, then the engine creates, lists, waits for, reads the
// logs of and drops the service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../image-registry/__tests__/platform-doubles.js';
import { failure, run, session, status, type Harness } from './__tests__/harness.js';
import { serviceHarness, type ServiceHarness } from './__tests__/service-harness.js';

const SERVER = `
import { createServer } from 'node:http';
const server = createServer((req, res) => res.end(req.url === '/ready' ? 'ok' : 'hello'));
server.listen(Number(process.env.PORT ?? 8001), '127.0.0.1', () => console.log('echo listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

const SPEC = JSON.stringify({
  spec: {
    containers: [{ name: 'echo', image: '/api/data/images/echo:v1', env: { PORT: '8001' }, readinessProbe: { port: 8001, path: '/ready' } }],
    endpoints: [{ name: 'api', port: 8001, public: true }],
  },
});

let services: ServiceHarness;
let h: Harness;
let server: TestServer;

beforeAll(async () => {
  services = await serviceHarness();
  ({ h, server } = services);
  const s = h.admin;
  for (const sql of [
    'CREATE DATABASE API',
    'CREATE SCHEMA API.DATA',
    'CREATE IMAGE REPOSITORY API.DATA.IMAGES',
    'CREATE COMPUTE POOL POOL MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS',
    'CREATE ROLE API_ROLE',
    'CREATE ROLE CALLER',
    // SVC_ROLE deploys the service of the first test (SPCS refuses ACCOUNTADMIN as its owner).
    'CREATE ROLE SVC_ROLE',
    'GRANT USAGE ON DATABASE API TO ROLE SVC_ROLE',
    'GRANT USAGE, CREATE SERVICE ON SCHEMA API.DATA TO ROLE SVC_ROLE',
    'GRANT USAGE ON COMPUTE POOL POOL TO ROLE SVC_ROLE',
    'GRANT BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE SVC_ROLE',
    'GRANT READ ON IMAGE REPOSITORY API.DATA.IMAGES TO ROLE SVC_ROLE',
  ])
    await run(h.engine, s, sql);
  await services.pushImage('api/data/images/echo', 'v1', SERVER);
}, 60_000);

afterAll(async () => {
  await services?.close();
});

describe('services', () => {
  it('creates, waits for, lists, logs and drops a service', async () => {
    const e = h.engine;
    const s = h.admin;
    const [repo] = await run(e, s, 'SHOW IMAGE REPOSITORIES IN SCHEMA API.DATA');
    expect(repo?.repository_url).toBe(`${server.host}/api/data/images`);
    const create = `CREATE SERVICE IF NOT EXISTS API.DATA.ECHO IN COMPUTE POOL POOL FROM SPECIFICATION $$${SPEC}$$ MIN_INSTANCES = 1 MAX_INSTANCES = 1`;
    const refused = await failure(e, s, create);
    expect([refused.code, refused.message]).toEqual(['003001', expect.stringMatching(/cannot be owned by the role ACCOUNTADMIN/)]);
    expect(await run(e, s, 'SHOW SERVICES IN SCHEMA API.DATA')).toEqual([]);
    const deployer = session('ADMIN', 'SVC_ROLE');
    expect(await status(e, deployer, create)).toBe('Service ECHO successfully created.');
    expect(await status(e, deployer, `CREATE SERVICE IF NOT EXISTS API.DATA.ECHO IN COMPUTE POOL POOL FROM SPECIFICATION $$${SPEC}$$`)).toBe(
      'ECHO already exists, statement succeeded.',
    );
    // Another session's statements run while this one waits (the wait holds no engine lock).
    const waiting = run(e, s, "SELECT SYSTEM$WAIT_FOR_SERVICES(60, 'API.DATA.ECHO') AS W");
    expect(await run(e, session('ADMIN', 'ACCOUNTADMIN'), 'SELECT 1 AS ONE')).toEqual([{ ONE: '1' }]);
    expect(await waiting).toEqual([{ W: 'Running' }]);

    const [svc] = await run(e, s, 'SHOW SERVICES IN SCHEMA API.DATA');
    expect([svc?.name, svc?.status, svc?.compute_pool, svc?.owner]).toEqual(['ECHO', 'RUNNING', 'POOL', 'SVC_ROLE']);
    const [container] = await run(e, s, 'SHOW SERVICE CONTAINERS IN SERVICE API.DATA.ECHO');
    expect([container?.container_name, container?.status]).toEqual(['echo', 'READY']);
    const [endpoint] = await run(e, s, 'SHOW ENDPOINTS IN SERVICE API.DATA.ECHO');
    expect(endpoint?.name).toBe('api');
    expect(endpoint?.ingress_url).toMatch(/^127\.0\.0\.1:\d+$/);
    const [logs] = await run(e, s, 'SELECT SYSTEM$GET_SERVICE_LOGS(?, ?, ?, ?) AS LOGS', [
      { type: 'TEXT', value: 'API.DATA.ECHO' },
      { type: 'TEXT', value: '0' },
      { type: 'TEXT', value: 'echo' },
      { type: 'FIXED', value: '10' },
    ]);
    expect(logs?.LOGS).toContain('echo listening');
    expect((await run(e, s, 'DESCRIBE SERVICE API.DATA.ECHO'))[0]?.spec).toBe(SPEC);

    expect(e.canUseServiceEndpoints('ACCOUNTADMIN', { database: 'API', schema: 'DATA', name: 'ECHO' })).toBe(true);
    expect(e.canUseServiceEndpoints('CALLER', { database: 'API', schema: 'DATA', name: 'ECHO' })).toBe(false);
    await run(e, s, 'GRANT SERVICE ROLE API.DATA.ECHO!ALL_ENDPOINTS_USAGE TO ROLE CALLER');
    expect(e.canUseServiceEndpoints('CALLER', { database: 'API', schema: 'DATA', name: 'ECHO' })).toBe(true);

    expect((await failure(e, s, 'DROP COMPUTE POOL POOL')).message).toMatch(/STOP ALL/);
    expect(await status(e, s, 'DROP SERVICE IF EXISTS API.DATA.ECHO')).toBe('ECHO successfully dropped.');
    expect(await status(e, s, 'DROP SERVICE IF EXISTS API.DATA.ECHO')).toBe('Drop statement executed successfully (ECHO already dropped).');
    expect(await run(e, s, 'SHOW SERVICES IN SCHEMA API.DATA')).toEqual([]);
  }, 60_000);

  it('lists the pushed images to a role with READ on the repository', async () => {
    const e = h.engine;
    const [image] = await run(e, session('ADMIN', 'SVC_ROLE'), 'SHOW IMAGES IN IMAGE REPOSITORY API.DATA.IMAGES');
    expect(image).toMatchObject({ image_name: 'echo', tags: 'v1', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), image_path: 'api/data/images/echo:v1' });
    expect(Number(image!.created_on)).toBeGreaterThan(0);
    expect((await failure(e, session('ADMIN', 'CALLER'), 'SHOW IMAGES IN IMAGE REPOSITORY API.DATA.IMAGES')).code).toBe('002003');
    await run(e, h.admin, 'CREATE IMAGE REPOSITORY API.DATA.EMPTY');
    expect(await run(e, h.admin, 'SHOW IMAGES IN IMAGE REPOSITORY API.DATA.EMPTY')).toEqual([]);
  });

  it('needs CREATE SERVICE, the pool and BIND SERVICE ENDPOINT for a public endpoint', async () => {
    const e = h.engine;
    const s = h.admin;
    await run(e, s, "CREATE USER OWNER PASSWORD = 'x'");
    await run(e, s, 'GRANT ROLE API_ROLE TO USER OWNER');
    await run(e, s, 'GRANT USAGE ON DATABASE API TO ROLE API_ROLE');
    await run(e, s, 'GRANT USAGE ON SCHEMA API.DATA TO ROLE API_ROLE');
    const owner = session('OWNER', 'API_ROLE');
    const create = `CREATE SERVICE API.DATA.MINE IN COMPUTE POOL POOL FROM SPECIFICATION $$${SPEC}$$`;
    expect((await failure(e, owner, create)).code).toBe('003001');
    await run(e, s, 'GRANT CREATE SERVICE ON SCHEMA API.DATA TO ROLE API_ROLE');
    expect((await failure(e, owner, create)).code).toBe('002003');
    await run(e, s, 'GRANT USAGE, MONITOR ON COMPUTE POOL POOL TO ROLE API_ROLE');
    expect((await failure(e, owner, create)).code).toBe('003001');
    await run(e, s, 'GRANT BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE API_ROLE');
    await run(e, s, 'GRANT READ ON IMAGE REPOSITORY API.DATA.IMAGES TO ROLE API_ROLE');
    expect(await status(e, owner, create)).toBe('Service MINE successfully created.');
    expect(await status(e, s, 'ALTER COMPUTE POOL POOL STOP ALL')).toBe('Statement executed successfully.');
    expect(await run(e, s, 'SHOW SERVICES IN ACCOUNT')).toEqual([]);
  }, 60_000);
});
