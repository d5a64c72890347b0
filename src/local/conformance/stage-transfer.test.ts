// Conformance: how PUT and GET move files. As on Snowflake's cloud stages, the driver transfers each
// file itself over HTTP with a token the statement hands it, so the client's paths are the client's:
// a relative GET path lands in the client's working directory, never papi local's
// (https://docs.snowflake.com/en/sql-reference/sql/get), and PUT … OVERWRITE = FALSE skips a file
// the stage holds already (https://docs.snowflake.com/en/sql-reference/sql/put). The transfer
// endpoint takes only the token of the statement's own stage.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import snowflake from 'snowflake-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: snowflake.Connection;
let csv: string;

function run(sql: string, more: { cwd?: string } = {}): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) =>
    c.execute({ sqlText: sql, ...more, complete: (error, _stmt, rows) => (error ? reject(error) : resolve((rows ?? []) as Array<Record<string, unknown>>)) }),
  );
}

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-stage-transfer');
  snowflake.configure({ logLevel: 'OFF' });
  c = snowflake.createConnection({ accessUrl: target.local.accessUrl, account: target.local.account, username: target.local.user, password: target.local.password });
  await c.connectAsync(() => undefined);
  for (const sql of ['CREATE DATABASE ST', 'CREATE SCHEMA ST.S', 'USE SCHEMA ST.S', 'CREATE STAGE FILES', 'CREATE STAGE OTHER']) await run(sql);
  csv = path.join(target.scratch, 'rows.csv');
  writeFileSync(csv, '1,one\n');
});

afterAll(async () => {
  await new Promise((resolve) => (c ? c.destroy(resolve) : resolve(undefined)));
  await target?.close();
});

describe('PUT and GET transfers', () => {
  it('PUT … OVERWRITE = FALSE skips a file the stage has; OVERWRITE = TRUE replaces it', async () => {
    expect(await run(`PUT file://${csv} @FILES AUTO_COMPRESS = FALSE`)).toMatchObject([{ source: 'rows.csv', status: 'UPLOADED' }]);
    writeFileSync(csv, '1,one\n2,two\n');
    expect(await run(`PUT file://${csv} @FILES AUTO_COMPRESS = FALSE OVERWRITE = FALSE`)).toMatchObject([{ source: 'rows.csv', status: 'SKIPPED' }]);
    expect(await run('LIST @FILES')).toMatchObject([{ name: 'files/rows.csv', size: 6 }]);
    expect(await run(`PUT file://${csv} @FILES AUTO_COMPRESS = FALSE OVERWRITE = TRUE`)).toMatchObject([{ status: 'UPLOADED' }]);
    expect(await run('LIST @FILES')).toMatchObject([{ name: 'files/rows.csv', size: 12 }]);
  });

  it("GET to a relative path writes into the client's working directory", async () => {
    const cwd = mkdtempSync(path.join(target.scratch, 'cwd-'));
    mkdirSync(path.join(cwd, 'downloads')); // the driver wants the folder to exist
    await run('GET @FILES file://downloads/', { cwd });
    expect(readFileSync(path.join(cwd, 'downloads', 'rows.csv'), 'utf8')).toBe('1,one\n2,two\n');
    expect(existsSync(path.join(process.cwd(), 'downloads', 'rows.csv'))).toBe(false);
  });

  it("the transfer endpoint wants the statement's token, for that stage only", async () => {
    const base = `${target.local.accessUrl}/papi-stage-storage`;
    const [files, other] = await Promise.all(['FILES', 'OTHER'].map((name) => folderOf(name)));
    expect((await fetch(`${base}/${files}/rows.csv`)).status).toBe(401);
    expect((await fetch(`${base}/${files}/rows.csv`, { headers: { authorization: 'Bearer forged' } })).status).toBe(401);
    const token = await transferToken('GET @OTHER file:///tmp/unused/');
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${base}/${files}/rows.csv`, { headers: auth })).status).toBe(403);
    expect((await fetch(`${base}/${other}/x.csv`, { method: 'PUT', body: 'x', headers: auth })).status).toBe(403); // a GET's token reads only
    // An encoded '/' would let a path climb out of the stage's folder once decoded.
    expect((await fetch(`${base}/${other}/..%2F${files}%2Frows.csv`, { headers: auth })).status).toBe(400);
  });

  it('takes a large file in chunks (the resumable upload the driver uses past its multipart threshold)', async () => {
    const token = await transferToken('PUT file:///tmp/big.bin @FILES/big');
    const folder = await folderOf('FILES');
    const auth = { authorization: `Bearer ${token}` };
    const start = await fetch(`${target.local.accessUrl}/papi-stage-storage/${folder}/big/big.bin`, { method: 'POST', headers: { ...auth, 'x-goog-resumable': 'start' } });
    expect(start.status).toBe(201);
    const session = start.headers.get('location')!;
    const first = await fetch(session, { method: 'PUT', body: 'abc', headers: { ...auth, 'content-range': 'bytes 0-2/5' } });
    expect([first.status, first.headers.get('range')]).toEqual([308, 'bytes=0-2']);
    expect(await run('LIST @FILES/big')).toEqual([]); // nothing shows before the last chunk
    const wrongOffset = await fetch(session, { method: 'PUT', body: 'de', headers: { ...auth, 'content-range': 'bytes 1-2/5' } });
    expect(wrongOffset.status).toBe(400);
    const last = await fetch(session, { method: 'PUT', body: 'de', headers: { ...auth, 'content-range': 'bytes 3-4/5' } });
    expect(last.status).toBe(200);
    expect(await run('LIST @FILES/big')).toMatchObject([{ name: 'files/big/big.bin', size: 5 }]);
  });
});

/** A stage's folder name, from the location a PUT's answer gives the driver. */
async function folderOf(stage: string): Promise<string> {
  const { stageInfo } = await fileTransferData(`PUT file:///tmp/unused.csv @${stage}`);
  return String(stageInfo.location).split('/')[0]!;
}

async function transferToken(sql: string): Promise<string> {
  const { stageInfo } = await fileTransferData(sql);
  return String((stageInfo.creds as Record<string, unknown>).GCS_ACCESS_TOKEN);
}

/** The statement's raw answer through the SQL API, as the driver receives it before moving files. */
async function fileTransferData(sql: string): Promise<{ stageInfo: Record<string, unknown> }> {
  const { local } = target;
  const login = await fetch(`${local.accessUrl}/session/v1/login-request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: { ACCOUNT_NAME: local.account, LOGIN_NAME: local.user, PASSWORD: local.password } }),
  }).then((r) => r.json() as Promise<{ data: { token: string } }>);
  const auth = { authorization: `Snowflake Token="${login.data.token}"`, 'content-type': 'application/json' };
  await fetch(`${local.accessUrl}/queries/v1/query-request`, { method: 'POST', headers: auth, body: JSON.stringify({ sqlText: 'USE SCHEMA ST.S' }) });
  const answer = await fetch(`${local.accessUrl}/queries/v1/query-request`, { method: 'POST', headers: auth, body: JSON.stringify({ sqlText: sql }) }).then(
    (r) => r.json() as Promise<{ data: { stageInfo: Record<string, unknown> } }>,
  );
  return answer.data;
}
