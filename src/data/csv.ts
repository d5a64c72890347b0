// The small part of CSV papi needs: splitting one line the way COPY INTO reads it with
// FIELD_OPTIONALLY_ENCLOSED_BY = '"', and writing fields so that it reads them back unchanged.
// A quoted field may not span lines: no title has a line break, and a quote left open would
// otherwise swallow the rest of a large file before the error could be reported.

export type SplitResult = { fields: string[] } | { error: string };

/** Splits one line into fields; quoted fields lose their quotes and `""` becomes `"`. */
export function splitCsvLine(line: string, delimiter: string): SplitResult {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const close = line.indexOf('"', j);
        if (close < 0) return { error: `unterminated quote (the field starting at column ${i + 1} is never closed)` };
        value += line.slice(j, close);
        if (line[close + 1] === '"') {
          value += '"';
          j = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return { fields };
      if (line[i] !== delimiter)
        return { error: `unexpected ${JSON.stringify(line[i])} after a closing quote at column ${i} (quotes inside a field must be doubled)` };
      i += 1;
    } else {
      const next = line.indexOf(delimiter, i);
      if (next < 0) {
        fields.push(line.slice(i));
        return { fields };
      }
      fields.push(line.slice(i, next));
      i = next + 1;
    }
  }
}

/** A text field, always quoted, embedded quotes doubled. */
export function quoteCsv(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}
