// Typed errors for papi's data sources, in the family of src/ui/errors.ts. A bad input file is the
// user's to fix (exit 2); a download that fails is a remote failure (exit 4).
import { ExitCode, PapiError, UsageError } from '../ui/errors.js';

const FILE_HINT =
  "papi reads the tutorial's CSV files (ma301_user_ratings.csv: USER_ID,ITEM_ID,RATING and an optional TIMESTAMP, which the default item-knn uses to weigh each user's newest ratings most; " +
  'ma301_titles.csv: ITEM_ID,TITLE; ma301_user_id.csv: ID) or GroupLens\'s u.data, u.item and u.user.';

/** A data file that cannot be loaded: names the file, the line (1-based, when there is one) and why. */
export class DataFileError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
    hint: string = FILE_HINT,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${problem}`, { code: 'DATA_FILE_INVALID', hint });
  }
}

/** `--data` names neither a known source nor a usable directory. */
export class DataSourceError extends UsageError {
  constructor(message: string, hint = 'Use --data sample, --data movielens or --data <directory>.') {
    super(message, { code: 'DATA_SOURCE_INVALID', hint });
  }
}

/** GroupLens could not be reached at all (no network, DNS, refused, timed out). */
export class DataOfflineError extends PapiError {
  override readonly exitCode = ExitCode.remote;
  constructor(url: string, cause: unknown) {
    super(`cannot download ${url}: ${describeNetworkError(cause)}`, {
      code: 'DATA_OFFLINE',
      cause,
      hint: 'Without network access use --data sample (generated offline), or --data <directory> (or --data <path>/ml-100k.zip) with files you already have.',
    });
  }
}

/** The downloaded archive is not the one papi pinned; the cached copy has been deleted. */
export class DataChecksumError extends PapiError {
  override readonly exitCode = ExitCode.remote;
  constructor(url: string, expected: string, actual: string) {
    super(`${url}: SHA-256 ${actual} does not match the expected ${expected}`, {
      code: 'DATA_CHECKSUM_MISMATCH',
      hint: 'The download was corrupted or the file changed upstream; the cached copy was deleted, so running again downloads it afresh.',
    });
  }
}

/** A zip archive that is truncated, corrupt or uses a feature papi does not read. */
export class ArchiveError extends PapiError {
  override readonly exitCode = ExitCode.remote;
  constructor(archive: string, problem: string) {
    super(`${archive}: ${problem}`, {
      code: 'DATA_ARCHIVE_INVALID',
      hint: 'Delete the file and run again to download it afresh, or unzip it yourself and pass the folder with --data <directory>.',
    });
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
