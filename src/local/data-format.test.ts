// papi local's data directory carries a format version (format.json): a directory written by papi
// 0.1.0, which had none, opens and is migrated in place; one from a newer papi is refused with a message
// that says what to do, and is left as it was.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../__tests__/support/cli.js';
import { connect } from '../snowflake/driver.js';
import { DATA_FORMAT_VERSION, DataDirError, startLocal } from './index.js';
import { FORMAT_FILE } from './instance.js';

const FIXTURE = fileURLToPath(new URL('./__tests__/fixtures/data-dir-format-0.tgz', import.meta.url));
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'papi-local-format-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const formatOf = (dir: string) => (JSON.parse(readFileSync(path.join(dir, FORMAT_FILE), 'utf8')) as { version: number }).version;

describe("papi local's data directory format", () => {
  it('opens a directory written by papi 0.1.0 (no format file): its objects and rows are there, and it is marked current', async () => {
    const dataDir = tempDir();
    await execa('tar', ['xzf', FIXTURE, '-C', dataDir]);
    expect(existsSync(path.join(dataDir, FORMAT_FILE))).toBe(false);
    const local = await startLocal({ dataDir });
    try {
      const conn = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password });
      try {
        const rows = await conn.execute('SELECT ITEM_ID, TITLE FROM MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.TITLE ORDER BY ITEM_ID');
        expect(rows).toEqual([
          { ITEM_ID: 1, TITLE: 'Toy Story (1995)' },
          { ITEM_ID: 2, TITLE: 'GoldenEye (1995)' },
        ]);
        const roles = (await conn.execute('SHOW ROLES')).map((r) => r.name);
        expect(roles).toEqual(expect.arrayContaining(['ML_MODEL_ROLE', 'DATA_API_ROLE']));
        // Its catalog is upgraded as it loads: the sample database every account has is there.
        const databases = (await conn.execute('SHOW DATABASES')).map((r) => r.name);
        expect(databases).toEqual(expect.arrayContaining(['MOVIE_RECOMMENDER_DB', 'API', 'SNOWFLAKE_SAMPLE_DATA']));
        // … and catalog version 3 gave its schemas tasks: one can be made, shown and run there.
        await conn.execute("CREATE TASK MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.T WAREHOUSE = COMPUTE_WH SCHEDULE = '60 MINUTE' AS SELECT 1");
        expect((await conn.execute('SHOW TASKS IN SCHEMA MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA')).map((r) => r.name)).toEqual(['T']);
        expect(await conn.execute('SELECT * FROM TABLE(MOVIE_RECOMMENDER_DB.INFORMATION_SCHEMA.TASK_HISTORY())')).toEqual([]);
      } finally {
        await conn.close();
      }
    } finally {
      await local.close();
    }
    expect(formatOf(dataDir)).toBe(DATA_FORMAT_VERSION);
  });

  it('marks a new directory with the current format', async () => {
    const dataDir = path.join(tempDir(), 'new');
    const local = await startLocal({ dataDir });
    await local.close();
    expect(formatOf(dataDir)).toBe(DATA_FORMAT_VERSION);
  });

  it('refuses a directory from a newer papi, says what to do, and changes nothing in it', async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, FORMAT_FILE), JSON.stringify({ version: DATA_FORMAT_VERSION + 1 }));
    const before = readdirSync(dataDir);
    await expect(startLocal({ dataDir })).rejects.toThrow(DataDirError);
    await expect(startLocal({ dataDir })).rejects.toThrow(/newer papi .*Upgrade papi, or move the directory away/);
    expect(readdirSync(dataDir)).toEqual(before);

    // Through the CLI: a usage error (exit 2) with the same words, not a crash.
    const run = await runCli(['local', 'start', '--data-dir', dataDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/written by a newer papi/);
  });
});
