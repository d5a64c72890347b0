import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCsvWithDuckDB, tempDir } from './__tests__/support.js';
import { DataFileError, DataSourceError, prepareData } from './index.js';

// Lines of the tutorial's own files, formats exactly as published: CRLF line ends, ISO timestamps
// with milliseconds, UTF-8, titles quoted only when they hold a comma.
const crlf = (text: string) => text.replaceAll('\n', '\r\n');
const TUTORIAL = {
  'ma301_user_ratings.csv': crlf('USER_ID,ITEM_ID,RATING,TIMESTAMP\n196,242,3,2024-12-04T15:55:49.000\n186,302,3,2025-04-04T19:22:22.000\n22,12,1,2024-11-07T07:18:36.000\n'),
  'ma301_titles.csv': crlf('ITEM_ID,TITLE\n242,Kolya (1996)\n302,L.A. Confidential (1997)\n12,"Usual Suspects, The (1995)"\n15,Mr. Holland\'s Opus (1995)\n1,"Misérables, Les (1995)"\n'),
  'ma301_user_id.csv': crlf('ID\n196\n186\n22\n'),
};

let tmp: Awaited<ReturnType<typeof tempDir>>;
let data: string;
let out: string;
beforeEach(async () => {
  tmp = await tempDir();
  data = join(tmp.path, 'data');
  out = join(tmp.path, 'out');
  await mkdir(data);
  await mkdir(out);
});
afterEach(async () => {
  await tmp.remove();
});

async function files(entries: Record<string, string | Buffer>) {
  for (const [name, content] of Object.entries(entries)) await writeFile(join(data, name), content);
}

const prepare = (source = 'data') => prepareData(source, { cacheDir: join(tmp.path, 'cache'), tmpDir: out, cwd: tmp.path });

async function failure(source = 'data'): Promise<DataFileError> {
  const error = await prepare(source).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFileError);
  // Nothing is left behind for setup to upload.
  expect(await readdir(out)).toEqual([]);
  return error as DataFileError;
}

describe("--data <directory> with the tutorial's files", () => {
  it('converts them into the normalized files, read back by a CSV reader as COPY INTO would', async () => {
    await files(TUTORIAL);
    const prepared = await prepare();
    try {
      expect(prepared.counts).toEqual({ users: 3, ratings: 3, titles: 5 });
      expect(prepared.source).toBe("data (the tutorial's files) · 3 users, 3 ratings, 5 titles");
      expect(prepared.files.ratings).toBe(join(prepared.dir, 'ratings', 'ratings.csv'));
      expect(await readFile(prepared.files.ratings, 'utf8')).toBe(
        'USER_ID,ITEM_ID,RATING,TIMESTAMP\n196,242,3,2024-12-04 15:55:49\n186,302,3,2025-04-04 19:22:22\n22,12,1,2024-11-07 07:18:36\n',
      );
      expect(await readFile(prepared.files.titles, 'utf8')).toBe(
        'ITEM_ID,TITLE\n242,"Kolya (1996)"\n302,"L.A. Confidential (1997)"\n12,"Usual Suspects, The (1995)"\n15,"Mr. Holland\'s Opus (1995)"\n1,"Misérables, Les (1995)"\n',
      );
      expect(await readFile(prepared.files.users, 'utf8')).toBe('ID\n196\n186\n22\n');
      const titles = await readCsvWithDuckDB(prepared.files.titles, { ITEM_ID: 'BIGINT', TITLE: 'VARCHAR' });
      expect(titles.map((t) => t.TITLE)).toEqual([
        'Kolya (1996)',
        'L.A. Confidential (1997)',
        'Usual Suspects, The (1995)',
        "Mr. Holland's Opus (1995)",
        'Misérables, Les (1995)',
      ]);
      const ratings = await readCsvWithDuckDB(prepared.files.ratings, { USER_ID: 'BIGINT', ITEM_ID: 'BIGINT', RATING: 'DOUBLE', TIMESTAMP: 'TIMESTAMP' });
      expect((ratings[0]!.TIMESTAMP as Date).toISOString()).toBe('2024-12-04T15:55:49.000Z');
    } finally {
      await prepared.remove();
    }
    expect(await readdir(out)).toEqual([]);
  });

  it('accepts a byte-order mark, CRLF line ends, other column order and case, extra columns, no timestamp', async () => {
    await files({
      'ma301_user_ratings.csv': '\ufeffrating,item_id,Extra,user_id\r\n4.5,242,x,196\r\n\r\n',
      'ma301_titles.csv': '\ufeffTITLE,ITEM_ID\r\n"Kolya (1996)",242\r\n',
    });
    const prepared = await prepare();
    try {
      expect(await readFile(prepared.files.ratings, 'utf8')).toBe('USER_ID,ITEM_ID,RATING,TIMESTAMP\n196,242,4.5,\n');
      expect(await readFile(prepared.files.titles, 'utf8')).toBe('ITEM_ID,TITLE\n242,"Kolya (1996)"\n');
      // No users file: everyone who rated something.
      expect(await readFile(prepared.files.users, 'utf8')).toBe('ID\n196\n');
    } finally {
      await prepared.remove();
    }
  });
});

describe("--data <directory> with GroupLens's files", () => {
  it('converts u.data (tabs, unix seconds), u.item (Latin-1, |) and u.user', async () => {
    await files({
      'u.data': '196\t242\t3\t881250949\n186\t302\t3\t891717742\n',
      'u.item': Buffer.from('242|Kolya (1996)|24-Jan-1997||http://x|0|0|0\n302|Caf\xe9 Society, The (1997)|01-Jan-1997||http://y|0|1|0\n', 'latin1'),
      'u.user': '186|39|F|executive|00000\n196|49|M|writer|55105\n',
    });
    const prepared = await prepare();
    try {
      expect(prepared.source).toMatch(/GroupLens's files/);
      expect(await readFile(prepared.files.ratings, 'utf8')).toBe('USER_ID,ITEM_ID,RATING,TIMESTAMP\n196,242,3,1997-12-04 15:55:49\n186,302,3,1998-04-04 19:22:22\n');
      expect(await readFile(prepared.files.titles, 'utf8')).toBe('ITEM_ID,TITLE\n242,"Kolya (1996)"\n302,"Café Society, The (1997)"\n');
      expect(await readFile(prepared.files.users, 'utf8')).toBe('ID\n186\n196\n');
    } finally {
      await prepared.remove();
    }
  });

  it('finds an unzipped ml-100k folder inside the directory', async () => {
    await mkdir(join(data, 'ml-100k'));
    await writeFile(join(data, 'ml-100k', 'u.data'), '1\t1\t5\t881250949\n');
    await writeFile(join(data, 'ml-100k', 'u.item'), '1|Toy Story (1995)|01-Jan-1995\n');
    const prepared = await prepare();
    await prepared.remove();
    expect(prepared.counts).toEqual({ users: 1, ratings: 1, titles: 1 });
  });
});

describe('bad files stop with the file, the line and the problem, before anything is uploaded', () => {
  const ratingsFile = () => join('data', 'ma301_user_ratings.csv');
  const withRatings = (text: string) => files({ ...TUTORIAL, 'ma301_user_ratings.csv': text });
  const header = 'USER_ID,ITEM_ID,RATING,TIMESTAMP\n';

  it.each([
    ['a missing column', `USER_ID,ITEM_ID,TIMESTAMP\n196,242,2024-12-04T15:55:49\n`, 1, /missing column RATING \(the header has USER_ID, ITEM_ID, TIMESTAMP\)/],
    ['a non-numeric id', `${header}196,242,3,2024-12-04T15:55:49\nabc,302,3,2024-12-04T15:55:49\n`, 3, /USER_ID "abc" is not a whole number/],
    ['a negative id', `${header}196,-242,3,2024-12-04T15:55:49\n`, 2, /ITEM_ID "-242" is not a whole number/],
    ['a rating out of range', `${header}196,242,7,2024-12-04T15:55:49\n`, 2, /RATING "7" is out of range \(0.5 to 5\)/],
    ['a rating of 0 (would read as "not rated")', `${header}196,242,0,2024-12-04T15:55:49\n`, 2, /out of range/],
    ['a rating that is not a number', `${header}196,242,good,2024-12-04T15:55:49\n`, 2, /RATING "good" is not a number/],
    ['a wrong delimiter', 'USER_ID;ITEM_ID;RATING;TIMESTAMP\n196;242;3;2024-12-04T15:55:49\n', 1, /wrong delimiter: the line is separated by ";", papi expects comma/],
    ['a row with the wrong delimiter', `${header}196;242;3;2024-12-04T15:55:49\n`, 2, /wrong delimiter/],
    ['a short row', `${header}196,242,3,2024-12-04T15:55:49\n196,242\n`, 3, /expected 4 fields separated by comma, found 2/],
    ['an impossible date', `${header}196,242,3,2024-02-30T15:55:49\n`, 2, /TIMESTAMP "2024-02-30T15:55:49" is not a date and time/],
    ['an unterminated quote', `${header}"196,242,3,2024-12-04T15:55:49\n`, 2, /unterminated quote/],
  ])('%s', async (_, text, line, problem) => {
    await withRatings(text);
    const error = await failure();
    expect(error.file).toBe(ratingsFile());
    expect(error.line).toBe(line);
    expect(error.problem).toMatch(problem);
    expect(error.message).toBe(`${ratingsFile()}:${line}: ${error.problem}`);
    expect(error.hint).toMatch(/USER_ID|"/);
    expect(error.exitCode).toBe(2);
  });

  it('an empty file, and a file with only a header', async () => {
    await withRatings('');
    const empty = await failure();
    expect(empty.message).toBe(`${ratingsFile()}: the file is empty`);
    expect(empty.hint).toBe('The file needs the header USER_ID,ITEM_ID,RATING,TIMESTAMP and at least one row.');
    await withRatings('\n\n');
    expect((await failure()).problem).toBe('the file is empty');
    await withRatings(header);
    expect((await failure()).message).toBe(`${ratingsFile()}: the file has a header but no rows`);
  });

  it('an unterminated quote in the titles', async () => {
    await files({ ...TUTORIAL, 'ma301_titles.csv': 'ITEM_ID,TITLE\n242,Kolya (1996)\n12,"Usual Suspects, The (1995)\n' });
    const error = await failure();
    expect(error.message).toMatch(/^data\/ma301_titles\.csv:3: unterminated quote/);
  });

  it('an unquoted title with a comma', async () => {
    await files({ ...TUTORIAL, 'ma301_titles.csv': 'ITEM_ID,TITLE\n12,Usual Suspects, The (1995)\n' });
    const error = await failure();
    expect(error.message).toBe('data/ma301_titles.csv:2: expected 2 fields separated by comma, found 3');
    expect(error.hint).toMatch(/must be quoted/);
  });

  it('a title id listed twice', async () => {
    await files({ ...TUTORIAL, 'ma301_titles.csv': 'ITEM_ID,TITLE\n242,Kolya (1996)\n242,Kolya again (1996)\n' });
    expect((await failure()).message).toBe('data/ma301_titles.csv:3: ITEM_ID 242 appears twice (first on line 2)');
  });

  it('a missing file', async () => {
    await files({ 'ma301_user_ratings.csv': TUTORIAL['ma301_user_ratings.csv'] });
    const error = await failure();
    expect(error.message).toBe("data/ma301_titles.csv: missing file (the tutorial's format needs ma301_user_ratings.csv and ma301_titles.csv)");
  });

  it("GroupLens's u.data with commas instead of tabs", async () => {
    await files({ 'u.data': '196,242,3,881250949\n', 'u.item': '242|Kolya (1996)|x\n' });
    const error = await failure();
    expect(error.message).toBe('data/u.data:1: wrong delimiter: the line is separated by comma, papi expects tab');
    expect(error.hint).toBe('Save the file with tab between fields.');
  });

  it('a folder without data files, a file, and a missing folder', async () => {
    await files({ 'notes.txt': 'hello' });
    expect((await failure()).message).toMatch(/^data: no data files: expected ma301_user_ratings\.csv and ma301_titles\.csv/);
    await expect(prepare(join(data, 'notes.txt'))).rejects.toThrow(DataSourceError);
    await expect(prepare('nowhere')).rejects.toThrow(/--data nowhere: no such directory/);
  });
});

describe('--data <directory> with service.idFormat: alphanumeric', () => {
  const prepareAlphanumeric = () => prepareData('data', { cacheDir: join(tmp.path, 'cache'), tmpDir: out, cwd: tmp.path, idFormat: 'alphanumeric' });

  it('keeps user ids as written (case, leading zeros), item ids as numbers; users from the ratings in text order', async () => {
    await files({
      'ma301_user_ratings.csv': 'USER_ID,ITEM_ID,RATING\nabc-17,0242,3\n007,302,4\nABC-17,12,1\n22,12,2\n',
      'ma301_titles.csv': TUTORIAL['ma301_titles.csv'],
    });
    const prepared = await prepareAlphanumeric();
    try {
      expect(await readFile(prepared.files.ratings, 'utf8')).toBe('USER_ID,ITEM_ID,RATING,TIMESTAMP\nabc-17,242,3,\n007,302,4,\nABC-17,12,1,\n22,12,2,\n');
      expect(await readFile(prepared.files.users, 'utf8')).toBe('ID\n007\n22\nABC-17\nabc-17\n');
      const ratings = await readCsvWithDuckDB(prepared.files.ratings, { USER_ID: 'VARCHAR', ITEM_ID: 'BIGINT', RATING: 'DOUBLE', TIMESTAMP: 'TIMESTAMP' });
      expect(ratings.map((r) => r.USER_ID)).toEqual(['abc-17', '007', 'ABC-17', '22']);
    } finally {
      await prepared.remove();
    }
  });

  it.each([
    ['ma301_user_ratings.csv', 'USER_ID,ITEM_ID,RATING\nabc-17,242,3\nabc.17,242,3\n', 3, 'USER_ID "abc.17" is not an alphanumeric id (1 to 64 letters (A-Z, a-z), digits, _ or -)'],
    ['ma301_user_ratings.csv', `USER_ID,ITEM_ID,RATING\n${'u'.repeat(65)},242,3\n`, 2, `USER_ID "${'u'.repeat(65)}" is not an alphanumeric id`],
    ['ma301_user_ratings.csv', 'USER_ID,ITEM_ID,RATING\nabc-17,b-242,3\n', 2, 'ITEM_ID "b-242" is not a whole number'],
    ['ma301_user_id.csv', 'ID\nabc-17\n"ab c"\n', 3, 'ID "ab c" is not an alphanumeric id'],
    ['ma301_user_id.csv', 'ID\nabc-17\nabc-17\n', 3, 'ID abc-17 appears twice (first on line 2)'],
  ])('a bad value in %s is named with the file and line', async (name, text, line, problem) => {
    await files({ ...TUTORIAL, [name]: text });
    const error = await prepareAlphanumeric().then(
      () => undefined,
      (e: unknown) => e as DataFileError,
    );
    expect(error).toBeInstanceOf(DataFileError);
    expect(error!.message).toContain(`${join('data', name)}:${line}: ${problem}`);
    expect(await readdir(out)).toEqual([]);
  });

  it('with the default integer format, an alphanumeric id says which setting would take it', async () => {
    await files({ ...TUTORIAL, 'ma301_user_id.csv': 'ID\n196\nabc-17\n' });
    const error = await failure();
    expect(error.message).toBe(`${join('data', 'ma301_user_id.csv')}:3: ID "abc-17" is not a whole number (service.idFormat is integer; set it to alphanumeric for ids like this one)`);
  });
});
