import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, harness, run, status, type Harness } from './__tests__/harness.js';
import { copyTuning } from './statements/files.js';

let h: Harness;

const COPY = `COPY INTO R FROM @ST/ratings/
  FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE FIELD_OPTIONALLY_ENCLOSED_BY = '"')
  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT`;

/** What the driver does for PUT on a LOCAL_FS stage: write the file into the location the engine gives. */
async function stageFile(path: string, name: string, content: string | Buffer): Promise<void> {
  const result = await h.engine.execute(h.admin, `PUT 'file:///tmp/${name}' @ST/${path}`, []);
  if (result.kind !== 'fileTransfer') throw new Error('PUT should answer a file transfer');
  expect(result.data.command).toBe('UPLOAD');
  const stageInfo = result.data.stageInfo as { locationType: string; location: string };
  expect(stageInfo.locationType).toBe('LOCAL_FS');
  writeFileSync(join(stageInfo.location, name), content);
}

async function rowCount(table: string): Promise<string | null | undefined> {
  return (await run(h.engine, h.admin, `SHOW TABLES LIKE '${table}'`))[0]?.rows;
}

beforeEach(async () => {
  h = await harness();
  await run(h.engine, h.admin, 'CREATE DATABASE D');
  await run(h.engine, h.admin, 'CREATE STAGE ST');
  await run(h.engine, h.admin, 'CREATE TABLE R (USER_ID NUMBER(38,0), ITEM_ID NUMBER(38,0), RATING FLOAT, TIMESTAMP TIMESTAMP_NTZ)');
});
afterEach(async () => {
  await h.cleanup();
});

describe('COPY INTO from CSV', () => {
  it('loads gzipped and plain files by header name, once unless FORCE', async () => {
    await stageFile('ratings/', 'a.csv.gz', gzipSync('item_id,user_id,rating,timestamp\n10,1,4.5,881250949\n11,1,3,881250950\n'));
    await stageFile('ratings/', 'b.csv', 'USER_ID,ITEM_ID,RATING,TIMESTAMP\n2,"10",5,2024-01-15 10:30:00\n');
    const loaded = await run(h.engine, h.admin, COPY);
    expect(loaded.map((r) => [r.file, r.status, r.rows_parsed, r.rows_loaded, r.errors_seen])).toEqual([
      ['st/ratings/a.csv.gz', 'LOADED', '2', '2', '0'],
      ['st/ratings/b.csv', 'LOADED', '1', '1', '0'],
    ]);
    expect(await rowCount('R')).toBe('3');
    expect(await status(h.engine, h.admin, COPY)).toBe('Copy executed with 0 files processed.');
    expect(await rowCount('R')).toBe('3');
    await run(h.engine, h.admin, `${COPY} FORCE = TRUE`);
    expect(await rowCount('R')).toBe('6');

    const listed = await run(h.engine, h.admin, 'LIST @ST/ratings/');
    expect(listed.map((f) => f.name)).toEqual(['st/ratings/a.csv.gz', 'st/ratings/b.csv']);
    expect(listed[1]!.md5).toBe(createHash('md5').update('USER_ID,ITEM_ID,RATING,TIMESTAMP\n2,"10",5,2024-01-15 10:30:00\n').digest('hex'));
    await run(h.engine, h.admin, 'REMOVE @ST/ratings/');
    expect(await run(h.engine, h.admin, 'LIST @ST')).toEqual([]);
  });

  it('loads positional files with SKIP_HEADER and FILES', async () => {
    await stageFile('x/', 'one.csv', 'h1|h2|h3|h4\n1|2|3.5|\n');
    await stageFile('x/', 'two.csv', 'h1|h2|h3|h4\n9|9|9|\n');
    const loaded = await run(h.engine, h.admin, "COPY INTO R FROM @ST/x/ FILES = ('one.csv') FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|' SKIP_HEADER = 1)");
    expect(loaded.map((r) => r.file)).toEqual(['st/x/one.csv']);
    expect(await rowCount('R')).toBe('1');
  });

  it('fails on a non-numeric value naming file, line and column, and loads nothing', async () => {
    await stageFile('ratings/', 'good.csv', 'USER_ID,ITEM_ID,RATING,TIMESTAMP\n1,10,4,881250949\n');
    await stageFile('ratings/', 'z-bad.csv', 'USER_ID,ITEM_ID,RATING,TIMESTAMP\n1,10,4,881250949\n2,10,abc,881250949\n');
    const err = await failure(h.engine, h.admin, COPY);
    expect(err.code).toBe('100038');
    expect(err.message).toContain("Numeric value 'abc' is not recognized");
    expect(err.message).toContain("File 'ratings/z-bad.csv', line 3, character 6");
    expect(err.message).toContain('"R"["RATING":3]');
    expect(await rowCount('R')).toBe('0');
    // Nothing was recorded as loaded: fixing the file and copying again loads both files.
    await stageFile('ratings/', 'z-bad.csv', 'USER_ID,ITEM_ID,RATING,TIMESTAMP\n2,10,1,881250949\n');
    await run(h.engine, h.admin, COPY);
    expect(await rowCount('R')).toBe('2');
  });

  it('fails on a missing column, a wrong delimiter, a short row and an empty file', async () => {
    await stageFile('m/', 'missing.csv', 'USER_ID,ITEM_ID,TIMESTAMP\n1,10,881250949\n');
    const missing = await failure(h.engine, h.admin, COPY.replace('ratings/', 'm/'));
    expect(missing.code).toBe('100080');
    expect(missing.message).toContain("File 'm/missing.csv'");
    expect(missing.message).toContain('RATING');

    await stageFile('d/', 'semicolons.csv', 'USER_ID;ITEM_ID;RATING;TIMESTAMP\n1;10;4;881250949\n');
    expect((await failure(h.engine, h.admin, COPY.replace('ratings/', 'd/'))).code).toBe('100080');

    await stageFile('s/', 'short.csv', 'USER_ID,ITEM_ID,RATING,TIMESTAMP\n1,10,4,881250949\n1,10\n');
    const short = await failure(h.engine, h.admin, COPY.replace('ratings/', 's/'));
    expect(short.code).toBe('100080');
    expect(short.message).toContain('line 3');

    await stageFile('e/', 'empty.csv', '');
    const empty = await failure(h.engine, h.admin, COPY.replace('ratings/', 'e/'));
    expect(empty.message).toContain("File 'e/empty.csv'");
    expect(await rowCount('R')).toBe('0');
  });

  it('skips bad rows with ON_ERROR = CONTINUE and bad files with SKIP_FILE, reporting the first error', async () => {
    await stageFile('c/', 'a.csv', 'USER_ID,ITEM_ID,RATING,TIMESTAMP\n1,10,4,881250949\n2,10,abc,881250949\n3,10,5,881250949\n');
    await stageFile('c/', 'b.csv', 'USER_ID,ITEM_ID,RATING,TIMESTAMP\n4,10,4,881250949\n');
    const base = COPY.replace('ratings/', 'c/');
    const continued = await run(h.engine, h.admin, base.replace('ABORT_STATEMENT', 'CONTINUE'));
    expect(continued.map((r) => [r.file, r.status, r.rows_parsed, r.rows_loaded, r.error_limit, r.errors_seen, r.first_error, r.first_error_line, r.first_error_character, r.first_error_column_name])).toEqual([
      ['st/c/a.csv', 'PARTIALLY_LOADED', '3', '2', '3', '1', "Numeric value 'abc' is not recognized", '3', '6', '"R"["RATING":3]'],
      ['st/c/b.csv', 'LOADED', '1', '1', '1', '0', null, null, null, null],
    ]);
    expect(await rowCount('R')).toBe('3');
    const skipped = await run(h.engine, h.admin, `${base.replace('ABORT_STATEMENT', 'SKIP_FILE')} FORCE = TRUE`);
    expect(skipped.map((r) => [r.file, r.status, r.rows_loaded, r.errors_seen])).toEqual([
      ['st/c/a.csv', 'LOAD_FAILED', '0', '1'],
      ['st/c/b.csv', 'LOADED', '1', '0'],
    ]);
    expect(await rowCount('R')).toBe('4');
  });

  // NUMBER holds up to 38 digits (https://docs.snowflake.com/en/sql-reference/data-types-numeric):
  // values past 18 digits and exponent forms load exactly, whichever cast papi local picks for them.
  it('loads wide numbers and exponent forms exactly', async () => {
    await run(h.engine, h.admin, 'CREATE TABLE W (K NUMBER(38,0), A NUMBER(38,0), B NUMBER(38,2))');
    await stageFile('w/', 'w.csv', '1,1234567890123456789012345,12345678901234567.25\n2,1.5e3,-0.5E1\n3,-000000000000000000000042,123456789012345678901234567890123456.78\n');
    await run(h.engine, h.admin, 'COPY INTO W FROM @ST/w/');
    const rows = await run(h.engine, h.admin, 'SELECT TO_VARCHAR(A) AS A, TO_VARCHAR(B) AS B FROM W ORDER BY K');
    expect(rows.map((r) => [r.A, r.B])).toEqual([
      ['1234567890123456789012345', '12345678901234567.25'],
      ['1500', '-5.00'],
      ['-42', '123456789012345678901234567890123456.78'],
    ]);
  });

  it('reads named file formats and the stage default format', async () => {
    expect(await status(h.engine, h.admin, "CREATE FILE FORMAT PIPES TYPE = CSV FIELD_DELIMITER = '|' SKIP_HEADER = 1")).toBe('File format PIPES successfully created.');
    expect((await run(h.engine, h.admin, 'SHOW FILE FORMATS')).map((f) => [f.name, f.type])).toEqual([['PIPES', 'CSV']]);
    await stageFile('p/', 'p.csv', 'a|b|c|d\n1|2|3|\n');
    await run(h.engine, h.admin, "COPY INTO R FROM @ST/p/ FILE_FORMAT = (FORMAT_NAME = 'PIPES')");
    expect(await rowCount('R')).toBe('1');
    expect((await failure(h.engine, h.admin, "COPY INTO R FROM @ST/p/ FILE_FORMAT = (FORMAT_NAME = 'NOPE') FORCE = TRUE")).code).toBe('002003');
    await run(h.engine, h.admin, "CREATE STAGE PIPED FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|' SKIP_HEADER = 1)");
    const put = await h.engine.execute(h.admin, "PUT 'file:///tmp/q.csv' @PIPED", []);
    if (put.kind !== 'fileTransfer') throw new Error('file transfer expected');
    writeFileSync(join((put.data.stageInfo as { location: string }).location, 'q.csv'), 'a|b|c|d\n5|6|7|\n');
    await run(h.engine, h.admin, 'COPY INTO R FROM @PIPED');
    expect(await rowCount('R')).toBe('2');
    expect(await status(h.engine, h.admin, 'DROP FILE FORMAT PIPES')).toBe('PIPES successfully dropped.');
  });

  it('enforces a hybrid table key on COPY', async () => {
    await run(h.engine, h.admin, 'CREATE HYBRID TABLE H (ID NUMBER(38,0) PRIMARY KEY, NAME VARCHAR)');
    await stageFile('h/', 'dupes.csv', 'ID,NAME\n1,a\n1,b\n');
    const err = await failure(
      h.engine,
      h.admin,
      "COPY INTO H FROM @ST/h/ FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE",
    );
    expect(err.code).toBe('200001');
    expect(await rowCount('H')).toBe('0');
  });
});

// COPY reads a staged file in chunks and inserts it in batches, all in one transaction: ON_ERROR =
// ABORT_STATEMENT loads nothing of the statement, whatever batch the bad row is in; SKIP_FILE loads
// nothing of that file; CONTINUE loads the other rows.
// https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (copy options, ON_ERROR)
describe('COPY INTO in batches', () => {
  const tuning = { ...copyTuning };
  beforeEach(() => {
    copyTuning.batchRows = 3;
    copyTuning.chunkBytes = 64;
  });
  afterEach(() => {
    Object.assign(copyTuning, tuning);
  });
  const HEADER = 'USER_ID,ITEM_ID,RATING,TIMESTAMP\n';
  /** Ratings 1 … n, one a line; `bad` (1-based row) gets a rating that is no number. */
  const ratings = (n: number, bad?: number) =>
    HEADER + Array.from({ length: n }, (_, i) => `${i + 1},"${10 + i}",${i + 1 === bad ? 'x' + i : (i % 5) + 0.5},2024-01-15 10:30:00\n`).join('');
  const sum = async () => (await run(h.engine, h.admin, 'SELECT COUNT(*) AS N, SUM(USER_ID) AS S FROM R'))[0];

  it('loads files many batches and chunks long completely, gzipped or not', async () => {
    await stageFile('ratings/', 'a.csv', ratings(100));
    await stageFile('ratings/', 'b.csv.gz', gzipSync(ratings(50)));
    const loaded = await run(h.engine, h.admin, COPY);
    expect(loaded.map((r) => [r.file, r.status, r.rows_parsed, r.rows_loaded])).toEqual([
      ['st/ratings/a.csv', 'LOADED', '100', '100'],
      ['st/ratings/b.csv.gz', 'LOADED', '50', '50'],
    ]);
    expect(await sum()).toMatchObject({ N: '150', S: String(5050 + 1275) });
  });

  it('loads nothing when a late batch of a later file has a bad row (ABORT_STATEMENT), naming its line', async () => {
    await stageFile('ratings/', 'a.csv', ratings(40));
    await stageFile('ratings/', 'b.csv', ratings(100, 97));
    const err = await failure(h.engine, h.admin, COPY);
    expect(err.code).toBe('100038');
    expect(err.message).toContain("Numeric value 'x96' is not recognized");
    expect(err.message).toContain("File 'ratings/b.csv', line 98, character");
    expect(err.message).toContain('Row 97, column "R"["RATING":3]');
    expect(await sum()).toMatchObject({ N: '0' });
    // Neither file counts as loaded: once the bad row is fixed, both load.
    await stageFile('ratings/', 'b.csv', ratings(100));
    await run(h.engine, h.admin, COPY);
    expect(await sum()).toMatchObject({ N: '140' });
  });

  it('enforces a hybrid table key between batches: a duplicate of a row of an earlier batch loads nothing', async () => {
    await run(h.engine, h.admin, 'CREATE HYBRID TABLE H (ID NUMBER(38,0) PRIMARY KEY, NAME VARCHAR)');
    await stageFile('h/', 'dupes.csv', `ID,NAME\n${Array.from({ length: 30 }, (_, i) => `${i + 1},n${i}\n`).join('')}2,again\n`);
    const err = await failure(h.engine, h.admin, 'COPY INTO H FROM @ST/h/ FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE');
    expect(err.code).toBe('200001');
    expect(await rowCount('H')).toBe('0');
  });

  it('SKIP_FILE loads nothing of a file whose bad row comes after its first batches; CONTINUE loads its other rows', async () => {
    await stageFile('c/', 'a.csv', ratings(60, 55));
    await stageFile('c/', 'b.csv', ratings(20));
    const base = COPY.replace('ratings/', 'c/');
    const skipped = await run(h.engine, h.admin, base.replace('ABORT_STATEMENT', 'SKIP_FILE'));
    expect(skipped.map((r) => [r.file, r.status, r.rows_parsed, r.rows_loaded, r.errors_seen, r.first_error_line])).toEqual([
      ['st/c/a.csv', 'LOAD_FAILED', '60', '0', '1', '56'],
      ['st/c/b.csv', 'LOADED', '20', '20', '0', null],
    ]);
    expect(await sum()).toMatchObject({ N: '20' });
    const continued = await run(h.engine, h.admin, `${base.replace('ABORT_STATEMENT', 'CONTINUE')} FORCE = TRUE`);
    expect(continued.map((r) => [r.file, r.status, r.rows_parsed, r.rows_loaded, r.errors_seen])).toEqual([
      ['st/c/a.csv', 'PARTIALLY_LOADED', '60', '59', '1'],
      ['st/c/b.csv', 'LOADED', '20', '20', '0'],
    ]);
    expect(await sum()).toMatchObject({ N: String(20 + 59 + 20) });
  });
});
