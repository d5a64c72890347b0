// Parsing and normalizing the values of the three files. Every value is checked here, before
// anything is uploaded, so COPY INTO (which aborts on the first bad row, far from the user's file)
// never sees a bad one.
import { ALPHANUMERIC_ID, ID_FORMAT_RULES, type IdFormat } from '../config/id-format.js';

/** A value that cannot be loaded; the reader adds the file and line. */
export class FieldProblem extends Error {}

const MAX_ID_DIGITS = 38; // NUMBER(38,0)
export const MIN_RATING = 0.5;
export const MAX_RATING = 5;

/** A whole, non-negative id, without leading zeros. */
export function parseId(column: string, raw: string): string {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) throw new FieldProblem(`${column} ${JSON.stringify(raw)} is not a whole number`);
  const normalized = text.replace(/^0+(?=\d)/, '');
  if (normalized.length > MAX_ID_DIGITS) throw new FieldProblem(`${column} ${JSON.stringify(raw)} has more than ${MAX_ID_DIGITS} digits`);
  return normalized;
}

/**
 * A user id in the configured format (service.idFormat): an integer as parseId reads it, or an
 * alphanumeric key taken as it is (surrounding spaces trimmed, case and leading zeros kept).
 */
export function parseUserId(column: string, raw: string, format: IdFormat): string {
  if (format === 'integer') {
    const text = raw.trim();
    if (!/^\d+$/.test(text) && ALPHANUMERIC_ID.test(text))
      throw new FieldProblem(`${column} ${JSON.stringify(raw)} is not a whole number (service.idFormat is integer; set it to alphanumeric for ids like this one)`);
    return parseId(column, raw);
  }
  const text = raw.trim();
  if (!ALPHANUMERIC_ID.test(text)) throw new FieldProblem(`${column} ${JSON.stringify(raw.slice(0, 80))} is not an alphanumeric id (${ID_FORMAT_RULES.alphanumeric})`);
  return text;
}

/**
 * A rating between 0.5 and 5. Zero is refused: the recommender reads a missing rating as 0, so a
 * stored 0 would be indistinguishable from "not rated".
 */
export function parseRating(raw: string): string {
  const text = raw.trim();
  const value = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) throw new FieldProblem(`RATING ${JSON.stringify(raw)} is not a number`);
  if (value < MIN_RATING || value > MAX_RATING)
    throw new FieldProblem(`RATING ${JSON.stringify(raw)} is out of range (${MIN_RATING} to ${MAX_RATING})`);
  return String(value);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(?:Z|[+-]00:?00)?$/;

/**
 * A point in time as `YYYY-MM-DD HH:MM:SS` (UTC, no fraction), or '' for none. Accepts the
 * tutorial's `2024-12-04T15:55:49.000`, `YYYY-MM-DD HH:MM:SS`, a bare date and unix seconds
 * (GroupLens's u.data). Fractions of a second are dropped: TIMESTAMP_NTZ keeps them, but no source
 * has any that are not zero.
 */
export function parseTimestamp(raw: string): string {
  const text = raw.trim();
  if (text === '') return '';
  if (/^\d{1,12}$/.test(text)) return formatTimestamp(Number(text) * 1000);
  const m = DATE_TIME.exec(text);
  if (m) {
    const [, year, month, day, hour = '00', minute = '00', second = '00'] = m as unknown as string[];
    // Checked by hand rather than through Date: this runs once per rating of a large file.
    if (+month! >= 1 && +month! <= 12 && +day! >= 1 && +day! <= daysIn(+year!, +month!) && +hour < 24 && +minute < 60 && +second < 60)
      return `${year}-${month}-${day} ${hour}:${minute}:${second}`;
  }
  throw new FieldProblem(`TIMESTAMP ${JSON.stringify(raw)} is not a date and time (YYYY-MM-DD HH:MM:SS) nor unix seconds`);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * `YYYY-MM-DD HH:MM:SS` in UTC: what COPY INTO reads into TIMESTAMP_NTZ with the default format.
 * Computed with integers (the civil-from-days algorithm, as in Howard Hinnant's "chrono-Compatible
 * Low-Level Date Algorithms"): a Date and its ISO string per rating took most of the time of a
 * 10-million-rating sample. Years outside 0–9999 go through Date, as before.
 */
export function formatTimestamp(msSinceEpoch: number): string {
  const total = Math.floor(msSinceEpoch / 1000);
  const days = Math.floor(total / 86_400);
  let rest = total - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (!(year >= 0 && year <= 9999)) return new Date(msSinceEpoch).toISOString().slice(0, 19).replace('T', ' ');
  const hour = Math.floor(rest / 3600);
  rest -= hour * 3600;
  const minute = Math.floor(rest / 60);
  const second = rest - minute * 60;
  return `${year >= 1000 ? year : String(year).padStart(4, '0')}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]} ${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}`;
}

/** '00' to '99': read, not formatted, once per field of every rating written. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
