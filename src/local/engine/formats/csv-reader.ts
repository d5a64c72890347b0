// The CSV side of COPY INTO: Snowflake's file format options, the parser (gzip detected by its magic
// bytes), and the conversion of each field to the target column's type with Snowflake's error texts
// (value, file, line, character, column).
import { gunzipSync } from 'node:zlib';
import { SqlError } from '../../errors.js';
import type { Properties } from '../sql/ast.js';
import { familyOf, type ColumnType } from './datatypes.js';
import { unsupported } from './messages.js';
import { optionBool, optionText } from './property-values.js';

export interface CsvFormat {
  delimiter: string;
  skipHeader: number;
  parseHeader: boolean;
  enclosedBy?: string;
  nullIf: string[];
  emptyFieldAsNull: boolean;
  trimSpace: boolean;
  errorOnColumnCountMismatch: boolean;
}

/** The file format's TYPE: CSV and JSON load; the others are refused by name. */
export function fileFormatType(options: Properties | undefined): 'CSV' | 'JSON' {
  const type = optionText(options?.TYPE)?.toUpperCase() ?? 'CSV';
  if (type !== 'CSV' && type !== 'JSON')
    throw new SqlError('002040', '0A000', `SQL compilation error:\nFile format type ${type} is not supported by papi local (CSV and JSON only).`);
  return type;
}

export function csvFormat(options: Properties | undefined): CsvFormat {
  const o = options ?? {};
  if (fileFormatType(o) !== 'CSV') throw new Error('csvFormat: not a CSV format');
  const enclosed = optionText(o.FIELD_OPTIONALLY_ENCLOSED_BY);
  const nullIf = o.NULL_IF;
  return {
    delimiter: unescape(optionText(o.FIELD_DELIMITER) ?? ','),
    skipHeader: Number(optionText(o.SKIP_HEADER) ?? 0),
    parseHeader: optionBool(o.PARSE_HEADER) ?? false,
    enclosedBy: enclosed === undefined || enclosed.toUpperCase() === 'NONE' ? undefined : enclosed,
    nullIf: nullIf?.kind === 'list' ? nullIf.items.map((i) => optionText(i) ?? '') : nullIf ? [optionText(nullIf) ?? ''] : ['\\N'],
    emptyFieldAsNull: optionBool(o.EMPTY_FIELD_AS_NULL) ?? true,
    trimSpace: optionBool(o.TRIM_SPACE) ?? false,
    errorOnColumnCountMismatch: optionBool(o.ERROR_ON_COLUMN_COUNT_MISMATCH) ?? true,
  };
}

function unescape(text: string): string {
  return text.replace(/\\t/g, '\t').replace(/\\n/g, '\n').replace(/\\r/g, '\r');
}

/** The column a field is converted for, as the catalog describes it (a ColumnDef fits). */
export interface TargetColumn {
  name: string;
  /** Snowflake type text, e.g. NUMBER(38,0). */
  type: string;
  nullable: boolean;
}

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  /** Fields; null for an unquoted empty field when EMPTY_FIELD_AS_NULL or a NULL_IF match. */
  fields: Array<string | null>;
  /** 1-based character position of each field in its line. */
  positions: number[];
}

export function fileText(bytes: Buffer): string {
  const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}

/**
 * Splits CSV text into records following the format's delimiter and enclosing character. Scans with
 * indexOf and slices whole runs (a field is one slice unless it holds doubled quotes): building values
 * character by character made COPY of 100,000 ratings take seconds.
 *
 * Rules (as Snowflake reads them): a field that starts with the enclosing character is quoted — a
 * doubled one stands for itself, line breaks inside count as lines, an unclosed one runs to the end
 * of the file, and anything after the closing one up to the delimiter or line end (LF or CR) is kept;
 * an unquoted field ends at the delimiter, LF or CRLF (a lone CR stays in the value); the last line
 * needs no line break.
 *
 * `visit` sees each record in turn; the record and its arrays are reused for the next one (holding
 * 100,000 records at once made COPY spend half its time collecting garbage), so keep what you need.
 */
export function readCsv(text: string, format: CsvFormat, visit: (record: Readonly<CsvRecord>) => void): void {
  const reader = new CsvStream(format, visit);
  reader.push(text);
  reader.end();
}

/**
 * readCsv over text that comes in pieces (a staged file read chunk by chunk): each push visits the
 * records it completes; a record that may go on in the next piece waits for it, and end() visits the
 * last one. Records, lines and positions are exactly those readCsv finds in the whole text.
 */
export class CsvStream {
  /** Text of the record not yet complete: it starts at a line start. */
  private pending = '';
  /** Pieces pushed since the last scan, and their length. */
  private unscanned: string[] = [];
  private unscannedLength = 0;
  private line = 1;
  private readonly record: CsvRecord = { line: 1, fields: [], positions: [] };

  constructor(
    private readonly format: CsvFormat,
    private readonly visit: (record: Readonly<CsvRecord>) => void,
  ) {}

  push(text: string): void {
    this.unscanned.push(text);
    this.unscannedLength += text.length;
    // A record longer than what came since (an unclosed quote runs to the end of the file) is scanned
    // again only once the text has doubled: scanning it again at every piece would take quadratic time.
    if (this.unscannedLength < this.pending.length) return;
    this.pending = this.scan(this.take(), false);
  }

  end(): void {
    this.pending = this.scan(this.take(), true);
  }

  private take(): string {
    const text = this.pending + this.unscanned.join('');
    this.unscanned = [];
    this.unscannedLength = 0;
    return text;
  }

  /** Visits the records of `text`, returning the unfinished rest (nothing when `final`). */
  private scan(text: string, final: boolean): string {
    const { format, record, visit } = this;
    // Only a one-character enclosing character ever opens a quoted field.
    const quote = format.enclosedBy?.length === 1 ? format.enclosedBy : undefined;
    const delimiter = format.delimiter;
    const n = text.length;
    // The next delimiter, LF, CRLF and CR at or after i: found once, looked up again only once passed.
    let nextDelimiter = -1;
    let nextLf = -1;
    let nextCrLf = -1;
    let nextCr = -1;
    const upTo = (found: number) => (found < 0 ? n : found);
    const delimiterAt = (i: number) => (nextDelimiter < i ? (nextDelimiter = upTo(text.indexOf(delimiter, i))) : nextDelimiter);
    const lfAt = (i: number) => (nextLf < i ? (nextLf = upTo(text.indexOf('\n', i))) : nextLf);
    const crLfAt = (i: number) => (nextCrLf < i ? (nextCrLf = upTo(text.indexOf('\r\n', i))) : nextCrLf);
    const crAt = (i: number) => (nextCr < i ? (nextCr = upTo(text.indexOf('\r', i))) : nextCr);
    let line = this.line;
    let lineStart = 0;
    let i = 0;
    while (i < n) {
      const recordStart = i;
      const recordLine = line;
      record.line = line;
      record.fields.length = 0;
      record.positions.length = 0;
      for (;;) {
        record.positions.push(i - lineStart + 1);
        let value: string;
        let quoted = false;
        if (quote !== undefined && text[i] === quote) {
          quoted = true;
          i++;
          value = '';
          for (;;) {
            const close = upTo(text.indexOf(quote, i));
            for (let lf = lfAt(i); lf < close; lf = lfAt(lf + 1)) {
              line++;
              lineStart = lf + 1;
            }
            value += text.slice(i, close);
            if (close === n) {
              i = n;
              break;
            }
            if (text[close + 1] === quote) {
              value += quote;
              i = close + 2;
              continue;
            }
            i = close + 1;
            break;
          }
          const stop = Math.min(delimiterAt(i), lfAt(i), crAt(i));
          if (stop > i) value += text.slice(i, stop);
          i = stop;
        } else {
          const stop = Math.min(delimiterAt(i), lfAt(i), crLfAt(i));
          value = text.slice(i, stop);
          i = stop;
        }
        record.fields.push(fieldValue(value, quoted, format));
        if (i < n && i === delimiterAt(i)) {
          i += delimiter.length;
          continue;
        }
        if (text[i] === '\r') i++;
        if (text[i] === '\n') i++;
        line++;
        lineStart = i;
        break;
      }
      // A record that reached the end of the text may go on (a field, a quote, a CRLF) in the next piece.
      if (i >= n && !final) {
        this.line = recordLine;
        return text.slice(recordStart);
      }
      visit(record);
    }
    this.line = line;
    return '';
  }
}

function fieldValue(raw: string, quoted: boolean, format: CsvFormat): string | null {
  const value = format.trimSpace ? raw.trim() : raw;
  if (!quoted && value === '' && format.emptyFieldAsNull) return null;
  if (format.nullIf.includes(value)) return null;
  return value;
}

/** Where a bad value sits, for Snowflake's COPY error text. */
export interface FieldLocation {
  file: string;
  line: number;
  character: number;
  row: number;
  table: string;
  column: string;
  columnIndex: number;
}

const ON_ERROR_HINT =
  "  If you would like to continue loading when an error is encountered, use other values such as 'SKIP_FILE' or 'CONTINUE' for the ON_ERROR option. For more information on loading options, please run 'info loading_data' in a SQL client.";

/** A bad value or line in a staged file: Snowflake's full text, plus its parts for COPY's result row. */
export class CopyError extends SqlError {
  constructor(
    code: string,
    sqlState: string,
    /** The first line of the message, e.g. `Numeric value 'abc' is not recognized`. */
    readonly text: string,
    readonly at: FieldLocation,
  ) {
    super(
      code,
      sqlState,
      `${text}\n  File '${at.file}', line ${at.line}, character ${at.character}\n  Row ${at.row}, column ${columnLabel(at)}\n${ON_ERROR_HINT}`,
    );
  }
}

/** `"TABLE"["COLUMN":3]`, as COPY names the column of an error. */
export function columnLabel(at: FieldLocation): string {
  return `"${at.table}"["${at.column}":${at.columnIndex}]`;
}

export function copyError(code: string, sqlState: string, message: string, at: FieldLocation): CopyError {
  return new CopyError(code, sqlState, message, at);
}

/** Turns a field into text DuckDB casts to the column's type without surprises, or throws Snowflake's error. */
export type FieldConverter = (value: string | null, where: () => FieldLocation) => string | null;

/** The converter of one target column, its type family looked up once per COPY rather than per field. */
export function fieldConverter(column: TargetColumn): FieldConverter {
  const family = familyOf(column.type);
  return (value, where) => convertField(value, column, family, where);
}

function convertField(value: string | null, column: TargetColumn, family: ColumnType['family'], where: () => FieldLocation): string | null {
  if (value === null) {
    if (!column.nullable) throw copyError('100072', '22000', 'NULL result in a non-nullable column', where());
    return null;
  }
  const text = value.trim();
  switch (family) {
    case 'number':
    case 'float':
      if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return text;
      if (family === 'float' && /^[+-]?(inf|infinity|nan)$/i.test(text)) return text;
      throw copyError('100038', '22018', `Numeric value '${value}' is not recognized`, where());
    case 'boolean':
      if (/^(true|t|yes|y|on|1)$/i.test(text)) return 'true';
      if (/^(false|f|no|n|off|0)$/i.test(text)) return 'false';
      throw copyError('100037', '22018', `Boolean value '${value}' is not recognized`, where());
    case 'date':
      if (/^\d{4}-\d{2}-\d{2}$/.test(text) && monthAndDayInRange(text)) return text;
      throw copyError('100040', '22007', `Date '${value}' is not recognized`, where());
    case 'timestamp': {
      const iso = timestampText(text);
      if (iso === undefined) throw copyError('100035', '22007', `Timestamp '${value}' is not recognized`, where());
      return iso;
    }
    case 'variant':
      return JSON.stringify(value);
    case 'structured':
      // A structured column takes only values cast to its type; a file field has none.
      throw unsupported(`loading a file into the structured type column ${column.name}`);
    default:
      return value;
  }
}

/**
 * The check of a YYYY-MM-DD… text's date: month 1–12, day 1–31 — what Date.parse accepted here before,
 * without parsing a date per field (the day is not checked against the month's length).
 */
function monthAndDayInRange(text: string): boolean {
  const month = (text.charCodeAt(5) - 48) * 10 + (text.charCodeAt(6) - 48);
  const day = (text.charCodeAt(8) - 48) * 10 + (text.charCodeAt(9) - 48);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const CANONICAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?$/;

/**
 * Snowflake's timestamp input: an integer counts seconds, milliseconds, microseconds or nanoseconds
 * since the epoch depending on its size; otherwise an ISO-like date and time.
 */
export function timestampText(text: string): string | undefined {
  // Already as DuckDB reads it (the common case): the text itself, without building a new one.
  if (CANONICAL_TIMESTAMP.test(text)) return monthAndDayInRange(text) ? text : undefined;
  if (/^-?\d+$/.test(text)) {
    const n = BigInt(text);
    const abs = n < 0n ? -n : n;
    let micros: bigint;
    if (abs < 31_536_000_000n) micros = n * 1_000_000n;
    else if (abs < 31_536_000_000_000n) micros = n * 1000n;
    else if (abs < 31_536_000_000_000_000n) micros = n;
    else micros = n / 1000n;
    const date = new Date(Number(micros / 1000n));
    const fraction = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
    return `${date.toISOString().slice(0, 19).replace('T', ' ')}.${fraction.toString().padStart(6, '0')}`;
  }
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?$/.exec(text);
  if (!match) return undefined;
  if (!monthAndDayInRange(match[1]!)) return undefined;
  const time = match[2] ?? '00:00:00';
  const [hms, frac] = time.split('.');
  return `${match[1]} ${hms!.length === 5 ? `${hms}:00` : hms}${frac ? `.${frac.slice(0, 6)}` : ''}`;
}
