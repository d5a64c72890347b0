// startLocal on temp data directories with the real engine: restart keeps data and the generated
// password, two instances never interfere, secrets are 0600, the data directory is the owner's alone
// (also one that existed before), close() releases everything.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../snowflake/driver.js';
import { startLocal, type LocalSnowflake } from './index.js';
import { PASSWORD_FILE } from './instance.js';
import { SECRET_KEY_FILE } from './tokens.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'papi-local-start-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function session(local: LocalSnowflake): Promise<Connection> {
  return connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password });
}

describe('startLocal', () => {
  it('keeps data and the generated password across a restart; secrets are 0600', async () => {
    const dataDir = tempDir();
    const first = await startLocal({ dataDir });
    expect(first.password.length).toBeGreaterThanOrEqual(16);
    expect(statSync(path.join(dataDir, PASSWORD_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dataDir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    let c = await session(first);
    await c.execute('CREATE DATABASE KEEP');
    await c.execute('CREATE TABLE KEEP.PUBLIC.T (ID NUMBER, NAME VARCHAR)');
    await c.execute('INSERT INTO KEEP.PUBLIC.T VALUES (?, ?), (?, ?)', [1, 'one', 2, 'two']);
    await c.close();
    await first.close();

    const second = await startLocal({ dataDir });
    try {
      expect(second.password).toBe(first.password);
      c = await session(second);
      expect(await c.execute('SELECT ID, NAME FROM KEEP.PUBLIC.T ORDER BY ID')).toEqual([
        { ID: 1, NAME: 'one' },
        { ID: 2, NAME: 'two' },
      ]);
      await c.close();
    } finally {
      await second.close();
    }
  });

  it('tightens a data directory that already exists to 0700, and nothing in it is readable by group or others', async () => {
    /** Paths under dir (symlinks aside) whose mode lets group or others in. */
    const open = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((entry) => !entry.isSymbolicLink())
        .map((entry) => path.join(entry.parentPath, entry.name))
        .filter((file) => (lstatSync(file).mode & 0o077) !== 0)
        .map((file) => `${path.relative(dir, file)} ${(lstatSync(file).mode & 0o777).toString(8)}`);
    const dataDir = tempDir();
    const upload = path.join(tempDir(), 'ratings.csv');
    writeFileSync(upload, '1,2\n');

    // A fresh directory: DuckDB's file, the registry and the stages are the owner's alone.
    const first = await startLocal({ dataDir });
    const c = await session(first);
    await c.execute('CREATE DATABASE D');
    await c.execute('CREATE STAGE D.PUBLIC.S');
    await c.execute(`PUT file://${upload} @D.PUBLIC.S AUTO_COMPRESS = FALSE`);
    await c.execute('CREATE TABLE D.PUBLIC.T (A INT)');
    await c.execute('INSERT INTO D.PUBLIC.T VALUES (1)');
    // While it runs too: DuckDB's write-ahead log (data.duckdb.wal) exists only until the checkpoint at close.
    expect(readdirSync(dataDir)).toContain('data.duckdb.wal');
    expect(open(dataDir)).toEqual([]);
    await c.close();
    await first.close();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(open(dataDir)).toEqual([]);

    // As an older papi, another umask or a hand left it: 0755, files 0644, folders 0755.
    chmodSync(dataDir, 0o755);
    for (const file of readdirSync(dataDir, { recursive: true }).map((name) => path.join(dataDir, String(name)))) {
      chmodSync(file, lstatSync(file).isDirectory() ? 0o755 : 0o644);
    }
    mkdirSync(path.join(dataDir, 'stages', 'old'), { mode: 0o755 });
    writeFileSync(path.join(dataDir, 'stages', 'old', 'file.csv'), 'x', { mode: 0o644 });
    expect(open(dataDir)).toContain('data.duckdb 644');

    const second = await startLocal({ dataDir });
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(open(dataDir)).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('runs two instances on two data directories side by side', async () => {
    const [a, b] = await Promise.all([startLocal({ dataDir: tempDir(), password: 'pw-a' }), startLocal({ dataDir: tempDir(), password: 'pw-b' })]);
    try {
      expect(a.port).not.toBe(b.port);
      const ca = await session(a);
      const cb = await session(b);
      await ca.execute('CREATE DATABASE ONLY_IN_A');
      await expect(cb.execute('USE DATABASE ONLY_IN_A')).rejects.toMatchObject({ snowflakeCode: '002003' });
      // A's password does not open B.
      await expect(connect({ account: b.account, accessUrl: b.accessUrl, user: b.user, password: 'pw-a' })).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
      await ca.close();
      await cb.close();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
