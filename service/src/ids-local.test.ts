// Alphanumeric ids through the service's own composition (settings → store → app) against papi local
// and the real snowflake-sdk: a hybrid table keyed by VARCHAR user id, as `papi setup` makes it with
// service.idFormat: alphanumeric, read with PAPI_ID_FORMAT=alphanumeric. The ids are bound as text,
// so "007" is not 7 and "22" is the text 22; the answer's USER_ID is a JSON string.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalSnowflake } from '../../src/local/index.js';
import { connect, type Connection } from '../../src/snowflake/driver.js';
import { createLogger } from './log.js';
import { createService, type Service } from './service.js';
import { readSettings } from './settings.js';

const TABLE = 'PAPI_IDS.DATA.RECS';
const ROLE = 'IDS_READER_ROLE';
const USER = 'IDS_READER';
const WAREHOUSE = 'IDS_WH';
const PASSWORD = 'ids-Reader-7c21';
const ROWS: ReadonlyArray<readonly [string, number]> = [['abc-17', 1], ['ABC-17', 2], ['22', 3], ['007', 4], ['Zed_9', 5]];

let dir: string;
let local: LocalSnowflake;
let admin: Connection;
let service: Service;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'papi-service-ids-'));
  local = await startLocal({ dataDir: dir });
  admin = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password, role: 'ACCOUNTADMIN' });
  for (const sql of [
    `CREATE WAREHOUSE ${WAREHOUSE}`,
    'CREATE DATABASE PAPI_IDS',
    'CREATE SCHEMA PAPI_IDS.DATA',
    `CREATE HYBRID TABLE ${TABLE} (USER_ID VARCHAR(64) PRIMARY KEY, RECOMMENDATIONS VARIANT)`,
    `CREATE ROLE ${ROLE}`,
    `CREATE USER ${USER} PASSWORD = '${PASSWORD}' DEFAULT_ROLE = ${ROLE}`,
    `GRANT ROLE ${ROLE} TO USER ${USER}`,
    `GRANT USAGE ON WAREHOUSE ${WAREHOUSE} TO ROLE ${ROLE}`,
    `GRANT USAGE ON DATABASE PAPI_IDS TO ROLE ${ROLE}`,
    `GRANT USAGE ON SCHEMA PAPI_IDS.DATA TO ROLE ${ROLE}`,
    `GRANT SELECT ON TABLE ${TABLE} TO ROLE ${ROLE}`,
  ])
    await admin.execute(sql);
  for (const [id, movie] of ROWS)
    await admin.execute(`INSERT INTO ${TABLE} (USER_ID, RECOMMENDATIONS) SELECT ?, PARSE_JSON(?)`, [id, JSON.stringify([{ movie_id: movie }])]);
  const settings = readSettings(
    {
      SNOWFLAKE_ACCOUNT: local.account,
      SNOWFLAKE_ACCESS_URL: local.accessUrl,
      SNOWFLAKE_USER: USER,
      SNOWFLAKE_PASSWORD: PASSWORD,
      SNOWFLAKE_ROLE: ROLE,
      SNOWFLAKE_WAREHOUSE: WAREHOUSE,
      PAPI_TABLE: TABLE,
      PAPI_ID_FORMAT: 'alphanumeric',
      PAPI_POOL_MAX: '1',
    },
    () => false,
  );
  service = createService(settings, createLogger(() => undefined));
}, 120_000);

afterAll(async () => {
  await service?.close();
  await admin?.close();
  await local?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await service.app.request(path);
  return { status: response.status, body: JSON.parse(await response.text()) as unknown };
}

describe('PAPI_ID_FORMAT=alphanumeric against a VARCHAR-keyed hybrid table', () => {
  it('answers abc-17,22 with string ids, in the order asked', async () => {
    expect(await get('/customer/abc-17,22')).toEqual({
      status: 200,
      body: [
        { USER_ID: 'abc-17', RECOMMENDATIONS: [{ movie_id: 1 }] },
        { USER_ID: '22', RECOMMENDATIONS: [{ movie_id: 3 }] },
      ],
    });
  });

  it('binds text: case and leading zeros count, "7" is not "007", "022" is not "22"', async () => {
    const got = await get('/customer/ABC-17,7,007,022,Zed_9,zed_9');
    expect(got.status).toBe(200);
    expect((got.body as Array<{ USER_ID: unknown }>).map((row) => row.USER_ID)).toEqual(['ABC-17', '007', 'Zed_9']);
  });

  it('refuses what is not an alphanumeric id with a 400, before any statement', async () => {
    for (const path of ['/customer/abc.17', `/customer/${'x'.repeat(65)}`, "/customer/a'b", '/customer/abc-17,']) {
      const got = await get(path);
      expect(got.status, path).toBe(400);
    }
  });
});
