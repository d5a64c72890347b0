// Converts the tutorial's files or GroupLens's into papi's normalized files (src/data/output.ts),
// checking every row on the way.
import type { IdFormat } from '../config/id-format.js';
import { quoteCsv } from './csv.js';
import { FieldProblem, parseId, parseRating, parseTimestamp, parseUserId } from './fields.js';
import { CsvWriter, HEADERS, type DataCounts, type DataKind } from './output.js';
import { readTable, type LineSource, type TableSpec } from './table.js';

export type InputFormat = 'tutorial' | 'grouplens';

export interface InputFiles {
  format: InputFormat;
  ratings: LineSource;
  titles: LineSource;
  /** Without one, the users are everyone who rated something. */
  users?: LineSource;
}

const SPECS: Record<InputFormat, Record<DataKind, TableSpec>> = {
  // ma301_user_ratings.csv, ma301_titles.csv, ma301_user_id.csv
  tutorial: {
    ratings: {
      kind: 'header',
      delimiter: ',',
      columns: [{ name: 'USER_ID' }, { name: 'ITEM_ID' }, { name: 'RATING' }, { name: 'TIMESTAMP', optional: true }],
    },
    titles: { kind: 'header', delimiter: ',', columns: [{ name: 'ITEM_ID' }, { name: 'TITLE' }] },
    users: { kind: 'header', delimiter: ',', columns: [{ name: 'ID' }] },
  },
  // u.data: user id \t item id \t rating \t unix seconds; u.item: id|title|release date|…;
  // u.user: id|age|gender|occupation|zip code.
  grouplens: {
    ratings: {
      kind: 'positional',
      delimiter: '\t',
      columns: [{ name: 'USER_ID' }, { name: 'ITEM_ID' }, { name: 'RATING' }, { name: 'TIMESTAMP', optional: true }],
    },
    titles: { kind: 'positional', delimiter: '|', columns: [{ name: 'ITEM_ID' }, { name: 'TITLE' }] },
    users: { kind: 'positional', delimiter: '|', columns: [{ name: 'ID' }] },
  },
};

/** User ids (USER_ID, ID) are read in `idFormat`; item ids are whole numbers in every format. */
export async function convertInputs(input: InputFiles, out: Record<DataKind, string>, idFormat: IdFormat, signal?: AbortSignal): Promise<DataCounts> {
  const specs = SPECS[input.format];
  const derivedUsers = input.users ? undefined : new Set<string>();

  const ratings = await CsvWriter.create(out.ratings, HEADERS.ratings);
  await finishing(ratings, () =>
    readTable(
      input.ratings,
      specs.ratings,
      ([user, item, rating, timestamp]) => {
        const userId = parseUserId('USER_ID', user!, idFormat);
        derivedUsers?.add(userId);
        return ratings.row(`${userId},${parseId('ITEM_ID', item!)},${parseRating(rating!)},${parseTimestamp(timestamp!)}`);
      },
      signal,
    ),
  );

  const titles = await CsvWriter.create(out.titles, HEADERS.titles);
  const seenTitles = new Map<string, number>();
  await finishing(titles, () =>
    readTable(
      input.titles,
      specs.titles,
      ([item, title], line) => {
        const itemId = unique(seenTitles, 'ITEM_ID', parseId('ITEM_ID', item!), line);
        return titles.row(`${itemId},${quoteCsv(title!.trim())}`);
      },
      signal,
    ),
  );

  const users = await CsvWriter.create(out.users, HEADERS.users);
  if (input.users) {
    const seenUsers = new Map<string, number>();
    await finishing(users, () =>
      readTable(input.users!, specs.users, ([id], line) => users.row(unique(seenUsers, 'ID', parseUserId('ID', id!, idFormat), line)), signal),
    );
  } else {
    await finishing(users, async () => {
      for (const id of [...derivedUsers!].sort(idFormat === 'integer' ? byNumber : byText)) {
        const pending = users.row(id);
        if (pending) await pending;
      }
    });
  }
  return { users: users.rows, ratings: ratings.rows, titles: titles.rows };
}

/** Runs `work`, then closes the writer whatever happens. */
async function finishing(writer: CsvWriter, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    await writer.abandon();
    throw error;
  }
  await writer.close();
}

/** An id must appear once: a title listed twice would duplicate every recommendation of it. */
function unique(seen: Map<string, number>, column: string, id: string, line: number): string {
  const first = seen.get(id);
  if (first !== undefined) throw new FieldProblem(`${column} ${id} appears twice (first on line ${first})`);
  seen.set(id, line);
  return id;
}

/** Alphanumeric ids in code-unit order (ASCII: digits, upper case, _, lower case; - first). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Normalized ids (no leading zeros) in numeric order. */
export function byNumber(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
