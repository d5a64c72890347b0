// `--data <directory>`: the original tutorial's CSV files or GroupLens's own, recognised by name.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputFiles, InputFormat } from './convert.js';
import { DataFileError, DataSourceError } from './errors.js';
import { fileLines } from './table.js';

export const TUTORIAL_FILES = { ratings: 'ma301_user_ratings.csv', titles: 'ma301_titles.csv', users: 'ma301_user_id.csv' } as const;
export const GROUPLENS_FILES = { ratings: 'u.data', titles: 'u.item', users: 'u.user' } as const;

// The tutorial's files are UTF-8; GroupLens wrote ml-100k in Latin-1 (u.item has accented titles).
const ENCODING: Record<InputFormat, BufferEncoding> = { tutorial: 'utf8', grouplens: 'latin1' };

/**
 * The input files in `dir` (shown to the user as `shown`): ratings and titles are required, the
 * users file is optional. An unzipped ml-100k folder inside `dir` is found too.
 */
export async function directoryInputs(dir: string, shown: string = dir): Promise<InputFiles> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new DataSourceError(`--data ${shown}: no such directory`);
  if (!info.isDirectory()) throw new DataSourceError(`--data ${shown}: not a directory`, 'Pass the folder that holds the files, not a file.');

  for (const [base, label] of [
    [dir, shown],
    [join(dir, 'ml-100k'), join(shown, 'ml-100k')],
  ] as const) {
    const format = await detect(base);
    if (!format) continue;
    const names = format === 'tutorial' ? TUTORIAL_FILES : GROUPLENS_FILES;
    const source = async (kind: keyof typeof names, required: boolean) => {
      const path = join(base, names[kind]);
      if (await isFile(path)) return fileLines(path, join(label, names[kind]), ENCODING[format]);
      if (required) throw new DataFileError(join(label, names[kind]), undefined, `missing file (${describe(format)} needs ${names.ratings} and ${names.titles})`);
      return undefined;
    };
    return { format, ratings: (await source('ratings', true))!, titles: (await source('titles', true))!, users: await source('users', false) };
  }
  throw new DataFileError(
    shown,
    undefined,
    `no data files: expected ${TUTORIAL_FILES.ratings} and ${TUTORIAL_FILES.titles} (the tutorial's format) or ${GROUPLENS_FILES.ratings} and ${GROUPLENS_FILES.titles} (GroupLens's)`,
  );
}

async function detect(dir: string): Promise<InputFormat | undefined> {
  for (const [format, names] of [
    ['tutorial', TUTORIAL_FILES],
    ['grouplens', GROUPLENS_FILES],
  ] as const)
    for (const name of Object.values(names)) if (await isFile(join(dir, name))) return format;
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

function describe(format: InputFormat): string {
  return format === 'tutorial' ? "the tutorial's format" : "GroupLens's format";
}
