// papi's data sources. prepareData turns `--data` (sample, movielens or a directory) into three
// normalized, validated CSV files in a fresh temporary folder, laid out by stage folder (see
// src/data/output.ts); `papi setup` PUTs them and runs sql/data/*.sql. Nothing is uploaded from a
// source that fails validation: every row is checked here first.
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { IdFormat } from '../config/id-format.js';
import type { TargetKind } from '../config/types.js';
import { convertInputs, type InputFormat } from './convert.js';
import { directoryInputs } from './directory.js';
import { DataSourceError } from './errors.js';
import { movielensArchive, movielensInputs, type DataProgress } from './movielens.js';
import { createOutputDir, removeOutputDir, type DataCounts, type DataKind } from './output.js';
import { writeSample, writeSampleInWorker, type SampleSize } from './sample.js';
import { plural } from '../ui/plural.js';

export { DATA_KINDS, gzipForUpload, HEADERS, layoutPaths, type DataCounts, type DataKind } from './output.js';
export { MOVIELENS_100K, type DataProgress } from './movielens.js';
export { generateSample, SAMPLE_SHAPE, SAMPLE_SHAPES, SAMPLE_SIZES, type SampleSize } from './sample.js';
export * from './errors.js';

export interface PrepareDataOptions {
  /** Where the MovieLens archive is cached: cacheDirFromEnv(env). */
  cacheDir: string;
  signal?: AbortSignal;
  fetch?: typeof globalThis.fetch;
  onProgress?: (progress: DataProgress) => void;
  /** A directory source is resolved against this (default: the process's working directory). */
  cwd?: string;
  /** Parent of the fresh output folder (default: the OS temp folder). */
  tmpDir?: string;
  /** The format of user ids (service.idFormat; default integer): files are checked against it, the sample is generated in it. */
  idFormat?: IdFormat;
  /** Which generated sample `--data sample` makes (data.sampleSize; default 100k). */
  sampleSize?: SampleSize;
  /** Make the sample in a worker thread (papi setup, while papi local starts). */
  sampleInWorker?: boolean;
  /** Another archive than GroupLens's (tests). */
  movielens?: { url?: string; sha256?: string };
}

export interface PreparedData {
  /** The fresh folder holding the files; remove() deletes it. */
  dir: string;
  /** Absolute path of each kind's CSV file, `<dir>/<stage folder>/<kind>.csv`. */
  files: Record<DataKind, string>;
  counts: DataCounts;
  /** For progress lines: `sample · 943 users, 100,000 ratings, 1,682 titles`. */
  source: string;
  remove(): Promise<void>;
}

/** `auto` (the default) is the sample on papi local and MovieLens on a Snowflake account. */
export function resolveDataSource(source: string | undefined, target: TargetKind): string {
  return !source || source === 'auto' ? (target === 'local' ? 'sample' : 'movielens') : source;
}

/** `$XDG_CACHE_HOME/papi`, else `~/.cache/papi`. */
export function cacheDirFromEnv(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec: a relative value is invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'papi');
  return join(env.HOME || homedir(), '.cache', 'papi');
}

export async function prepareData(source: string, options: PrepareDataOptions): Promise<PreparedData> {
  if (source === 'auto') throw new DataSourceError('--data auto must be resolved for a target first (resolveDataSource)');
  if (source.trim() === '') throw new DataSourceError('--data is empty');
  // The account's own tables are read in place by papi setup (src/setup/source-tables.ts); nothing to prepare.
  if (source === 'tables')
    throw new DataSourceError('data.source: tables is read in place by papi setup only; this command loads files', 'Give it files: --data sample, --data movielens or --data <directory>.');
  const { dir, files } = await createOutputDir(options.tmpDir);
  try {
    let counts: DataCounts;
    let origin: string;
    const idFormat = options.idFormat ?? 'integer';
    if (source === 'sample') {
      const size = options.sampleSize ?? '100k';
      counts = await (options.sampleInWorker ? writeSampleInWorker : writeSample)(files, { size, idFormat, signal: options.signal });
      origin = `sample${size === '100k' ? '' : ` ${size}`}${idFormat === 'integer' ? '' : ' (alphanumeric ids)'}`;
    } else if (source === 'movielens') {
      const archive = await movielensArchive({ ...options, ...options.movielens });
      counts = await convertInputs(await movielensInputs(archive.path), files, idFormat, options.signal);
      origin = `movielens (${archive.downloaded ? 'downloaded' : 'cached'})`;
    } else {
      // Any other value is a path; `./sample` reaches a folder that happens to be called so. A zip
      // is read as GroupLens's archive (a copy the user downloaded; no checksum to hold it to).
      const path = resolve(options.cwd ?? process.cwd(), source);
      const inputs = /\.zip$/i.test(source) && (await isFile(path)) ? await movielensInputs(path, source) : await directoryInputs(path, source);
      counts = await convertInputs(inputs, files, idFormat, options.signal);
      origin = `${source} (${FORMAT_NAMES[inputs.format]})`;
    }
    return { dir, files, counts, source: `${origin} · ${describeCounts(counts)}`, remove: () => removeOutputDir(dir) };
  } catch (error) {
    await removeOutputDir(dir);
    throw error;
  }
}

const FORMAT_NAMES: Record<InputFormat, string> = { tutorial: "the tutorial's files", grouplens: "GroupLens's files" };

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

function describeCounts(counts: DataCounts): string {
  return `${plural(counts.users, 'user')}, ${plural(counts.ratings, 'rating')}, ${plural(counts.titles, 'title')}`;
}
