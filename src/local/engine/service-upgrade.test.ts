// How papi local plays SPCS's asynchronous parts, as Snowflake documents them: a service waiting for
// a node is PENDING with one SHOW SERVICE CONTAINERS row of NULL instance and container fields;
// ALTER SERVICE … SET changes the counts and warehouse SHOW SERVICES reports (and the instances);
// ALTER SERVICE … FROM SPECIFICATION is a rolling upgrade — is_upgrading true and containers of both
// versions listed for a while, a new spec_digest — that ends with only the new version running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, session, type Harness } from './__tests__/harness.js';
import { serviceHarness, type ServiceHarness } from './__tests__/service-harness.js';

const SERVER = `
import { createServer } from 'node:http';
const server = createServer((req, res) => res.end(req.url === '/ready' ? 'ok' : 'hello'));
server.listen(Number(process.env.PORT ?? 8001), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

const spec = (tag: string): string =>
  JSON.stringify({
    spec: {
      containers: [{ name: 'echo', image: `/api/data/images/echo:${tag}`, env: { PORT: '8001' }, readinessProbe: { port: 8001, path: '/ready' } }],
      endpoints: [{ name: 'api', port: 8001, public: true }],
    },
  });

const SCHEDULING_MS = 1500;
let services: ServiceHarness;
let h: Harness;

beforeAll(async () => {
  services = await serviceHarness({ schedulingMs: SCHEDULING_MS });
  ({ h } = services);
  for (const sql of [
    'CREATE DATABASE API',
    'CREATE SCHEMA API.DATA',
    'CREATE IMAGE REPOSITORY API.DATA.IMAGES',
    'CREATE COMPUTE POOL POOL MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS',
    'CREATE WAREHOUSE OTHER_WH',
    'CREATE ROLE SVC_ROLE',
    'GRANT USAGE ON DATABASE API TO ROLE SVC_ROLE',
    'GRANT USAGE, CREATE SERVICE ON SCHEMA API.DATA TO ROLE SVC_ROLE',
    'GRANT USAGE ON COMPUTE POOL POOL TO ROLE SVC_ROLE',
    'GRANT BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE SVC_ROLE',
    'GRANT READ ON IMAGE REPOSITORY API.DATA.IMAGES TO ROLE SVC_ROLE',
  ])
    await run(h.engine, h.admin, sql);
  for (const tag of ['v1', 'v2']) await services.pushImage('api/data/images/echo', tag, SERVER, { TAG: tag });
}, 60_000);

afterAll(async () => {
  await services?.close();
});

/** Polls until `check` answers something (every 50 ms, up to 30 s). */
async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SPCS states on papi local', () => {
  const owner = () => session('ADMIN', 'SVC_ROLE');
  const service = async () => (await run(h.engine, owner(), 'SHOW SERVICES IN SCHEMA API.DATA'))[0]!;
  const containers = () => run(h.engine, owner(), 'SHOW SERVICE CONTAINERS IN SERVICE API.DATA.ECHO');

  it('shows a PENDING service without instances as one row of NULL instance and container fields', async () => {
    await run(h.engine, owner(), `CREATE SERVICE API.DATA.ECHO IN COMPUTE POOL POOL FROM SPECIFICATION $$${spec('v1')}$$ MIN_INSTANCES = 1 MAX_INSTANCES = 1 QUERY_WAREHOUSE = OTHER_WH`);
    const [pending] = await containers();
    expect(pending).toMatchObject({ service_name: 'ECHO', service_status: 'PENDING', instance_id: null, instance_status: null, container_name: null, status: null, image_name: null });
    expect((await service()).status).toBe('PENDING');
    const ready = await until(async () => {
      const rows = await containers();
      return rows.length === 1 && rows[0]!.status === 'READY' ? rows[0] : undefined;
    }, 'READY');
    expect(ready).toMatchObject({ instance_id: '0', instance_status: 'READY', container_name: 'echo', image_name: '/api/data/images/echo:v1', service_status: 'RUNNING' });
    expect((await service()).is_upgrading).toBe('false');
  }, 60_000);

  it('ALTER SERVICE … SET changes what SHOW SERVICES reports, and a new count rolls out', async () => {
    await run(h.engine, owner(), 'ALTER SERVICE API.DATA.ECHO SET MIN_INSTANCES = 2 MAX_INSTANCES = 3 QUERY_WAREHOUSE = COMPUTE_WH');
    expect(await service()).toMatchObject({ min_instances: '2', max_instances: '3', query_warehouse: 'COMPUTE_WH' });
    const rows = await until(async () => {
      const all = await containers();
      return all.length === 2 && all.every((row) => row.status === 'READY') && (await service()).is_upgrading === 'false' ? all : undefined;
    }, 'two READY instances');
    expect(rows.map((row) => row.instance_id)).toEqual(['0', '1']);
  }, 60_000);

  it('ALTER SERVICE … FROM SPECIFICATION is a rolling upgrade: is_upgrading, both versions listed, a new spec_digest', async () => {
    const before = await service();
    expect(before.spec_digest).toMatch(/^[0-9a-f]{64}$/);
    await run(h.engine, owner(), `ALTER SERVICE API.DATA.ECHO FROM SPECIFICATION $$${spec('v2')}$$`);
    const during = await service();
    expect(during.is_upgrading).toBe('true');
    expect(during.spec_digest).not.toBe(before.spec_digest);
    // The old containers still serve while the new ones wait for their node (old ones READY: READY alone proves nothing).
    const images = (await containers()).map((row) => [row.image_name, row.status]);
    expect(images).toContainEqual(['/api/data/images/echo:v1', 'READY']);
    await until(async () => ((await service()).is_upgrading === 'false' ? true : undefined), 'the upgrade to end');
    const after = await containers();
    expect(after.map((row) => [row.image_name, row.status])).toEqual([
      ['/api/data/images/echo:v2', 'READY'],
      ['/api/data/images/echo:v2', 'READY'],
    ]);
    expect((await service()).min_instances).toBe('2');
  }, 60_000);
});
