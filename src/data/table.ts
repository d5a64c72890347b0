// Reads one input table (a CSV file with a header, or a GroupLens file with fixed columns) line by
// line and checks its shape: delimiter, header, field counts, quoting. Values are checked by the
// caller's row handler (src/data/fields.ts); any problem becomes one DataFileError naming the
// file and the line.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { splitCsvLine } from './csv.js';
import { DataFileError } from './errors.js';
import { FieldProblem } from './fields.js';

/** Lines of a file or an archive entry, without their line breaks. */
export interface LineSource {
  /** How the user knows the file: a path as given, or `ml-100k.zip › ml-100k/u.data`. */
  display: string;
  lines(signal?: AbortSignal): AsyncIterable<string>;
}

export function fileLines(path: string, display: string, encoding: BufferEncoding): LineSource {
  return {
    display,
    async *lines(signal) {
      const stream = createReadStream(path, { encoding });
      const reader = createInterface({ input: stream, crlfDelay: Infinity });
      try {
        for await (const line of reader) {
          signal?.throwIfAborted();
          yield line;
        }
      } finally {
        reader.close();
        stream.destroy();
      }
    },
  };
}

export function bufferLines(buffer: Buffer, display: string, encoding: BufferEncoding): LineSource {
  return {
    display,
    async *lines(signal) {
      const text = buffer.toString(encoding);
      let start = 0;
      while (start < text.length) {
        signal?.throwIfAborted();
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        yield text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
        start = end + 1;
      }
    },
  };
}

export interface TableSpec {
  delimiter: ',' | '\t' | '|';
  /**
   * `header`: a CSV header names the columns (any order, any case, extra columns ignored, as COPY
   * INTO … MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE does); fields may be quoted.
   * `positional`: no header, the columns in this order, no quoting (GroupLens).
   */
  kind: 'header' | 'positional';
  columns: Array<{ name: string; optional?: boolean }>;
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', '\t': 'tab', '|': '"|"', ';': '";"' };
const OTHER_DELIMITERS = [',', ';', '\t', '|'];

/**
 * Calls `row` with each data row's values, in `spec.columns` order ('' for an absent optional
 * column). A FieldProblem thrown by `row` is reported with the file and line.
 */
export async function readTable(
  source: LineSource,
  spec: TableSpec,
  row: (values: string[], line: number) => Promise<void> | undefined | void,
  signal?: AbortSignal,
): Promise<number> {
  const fail = (line: number | undefined, problem: string, hint?: string): never => {
    throw new DataFileError(source.display, line, problem, hint);
  };
  const columnList = spec.columns.map((c) => c.name).join(spec.delimiter === '\t' ? ' <tab> ' : spec.delimiter);
  const hints = {
    delimiter: `Save the file with ${DELIMITER_NAMES[spec.delimiter]} between fields${spec.kind === 'header' ? ` and the header ${columnList}` : ''}.`,
    quote: 'A field that starts with " must end with " on the same line; a " inside it is written "".',
    header: `The first line must name the columns (any order and case): ${columnList}.`,
    empty: spec.kind === 'header' ? `The file needs the header ${columnList} and at least one row.` : `The file needs at least one row: ${columnList}.`,
    extraField: 'A field that holds a comma must be quoted: "Usual Suspects, The (1995)".',
  };
  const wrongDelimiter = (text: string): string | undefined => {
    const used = OTHER_DELIMITERS.find((d) => d !== spec.delimiter && text.includes(d));
    return used === undefined
      ? undefined
      : `wrong delimiter: the line is separated by ${DELIMITER_NAMES[used]}, papi expects ${DELIMITER_NAMES[spec.delimiter]}`;
  };
  const split = (line: number, text: string): string[] => {
    if (spec.kind === 'positional') return text.split(spec.delimiter);
    const result = splitCsvLine(text, spec.delimiter);
    return 'error' in result ? fail(line, result.error, hints.quote) : result.fields;
  };

  let lineNumber = 0;
  let rows = 0;
  let sawContent = false;
  // Where each wanted column sits in a row, and how many fields a row has.
  let positions: Array<number | undefined> | undefined;
  let width = 0;
  if (spec.kind === 'positional') {
    positions = spec.columns.map((_, i) => i);
    width = spec.columns.filter((c) => !c.optional).length;
  }

  for await (let text of source.lines(signal)) {
    lineNumber += 1;
    if (lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    sawContent = true;
    const fields = split(lineNumber, text);

    if (!positions) {
      const names = fields.map((f) => f.trim().toUpperCase());
      if (fields.length === 1) {
        const delimiter = wrongDelimiter(text);
        if (delimiter) fail(lineNumber, delimiter, hints.delimiter);
      }
      positions = spec.columns.map((c) => {
        const at = names.indexOf(c.name);
        return at < 0 ? undefined : at;
      });
      const missing = spec.columns.filter((c, i) => !c.optional && positions![i] === undefined).map((c) => c.name);
      if (missing.length > 0)
        fail(
          lineNumber,
          `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the header has ${fields.map((f) => f.trim()).join(', ') || 'nothing'})`,
          hints.header,
        );
      width = fields.length;
      continue;
    }

    const widthOk = spec.kind === 'header' ? fields.length === width : fields.length >= width;
    if (!widthOk) {
      const delimiter = fields.length === 1 ? wrongDelimiter(text) : undefined;
      fail(
        lineNumber,
        delimiter ??
          `expected ${spec.kind === 'header' ? '' : 'at least '}${width} fields separated by ${DELIMITER_NAMES[spec.delimiter]}, found ${fields.length}`,
        !delimiter && spec.kind === 'header' && fields.length > width ? hints.extraField : hints.delimiter,
      );
    }
    const values = positions.map((p) => (p === undefined ? '' : (fields[p] ?? '')));
    try {
      // Awaiting only real promises: a microtask per row would double the time of a large file.
      const pending = row(values, lineNumber);
      if (pending) await pending;
    } catch (error) {
      if (error instanceof FieldProblem) fail(lineNumber, error.message);
      throw error;
    }
    rows += 1;
  }

  if (!sawContent) fail(undefined, 'the file is empty', hints.empty);
  if (rows === 0) fail(undefined, 'the file has a header but no rows', hints.empty);
  return rows;
}
