// Tokenizer for Snowflake SQL. Kept separate from the parser so string rules (Snowflake's '' and
// backslash escapes, $$…$$ bodies), comments (--, //, /* */), quoted identifiers and stage references
// (@db.schema.stage/path) are decided in one place, with positions for Snowflake-style errors.
import { ErrorCode, SqlError } from '../../errors.js';

export type TokenType =
  | 'word' // unquoted identifier or keyword; `value` upper-cased, `raw` as written
  | 'quoted' // "identifier"; `value` unescaped, case kept
  | 'string' // '…' or $$…$$; `value` unescaped
  | 'number'
  | 'positional' // $1; `value` the digits
  | 'stage' // @name/path, @~, @%t; `value` as written
  | 'op' // punctuation and operators
  | 'eof';

export interface Token {
  type: TokenType;
  value: string;
  raw: string;
  /** Offsets into the source: [start, end). */
  start: number;
  end: number;
  line: number;
  col: number;
  /** For strings: written as $$…$$. */
  dollar?: boolean;
}

const OPERATORS = ['::', '||', '<=', '>=', '<>', '!=', '=>', '->', '(', ')', ',', '.', ';', '[', ']', '{', '}', ':', '=', '<', '>', '+', '-', '*', '/', '%', '?', '!'];

const isWordStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c);
const isWordChar = (c: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

export function syntaxError(line: number, col: number, found: string): SqlError {
  return new SqlError(
    ErrorCode.syntax,
    '42000',
    `SQL compilation error:\nsyntax error line ${line} at position ${col} unexpected '${found}'.`,
  );
}

/** Splits `sql` into tokens; comments and whitespace are dropped. Ends with one 'eof' token. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const advance = (to: number) => {
    for (let k = i; k < to; k++) {
      if (sql[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    i = to;
  };

  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? '';
    if (/\s/.test(c)) {
      advance(i + 1);
      continue;
    }
    if ((c === '-' && next === '-') || (c === '/' && next === '/')) {
      const end = sql.indexOf('\n', i);
      advance(end === -1 ? sql.length : end);
      continue;
    }
    if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw syntaxError(line, i - lineStart, '<EOF>');
      advance(end + 2);
      continue;
    }
    const start = i;
    const startLine = line;
    const col = i - lineStart;
    const push = (type: TokenType, value: string, end: number, extra: Partial<Token> = {}) => {
      tokens.push({ type, value, raw: sql.slice(start, end), start, end, line: startLine, col, ...extra });
      advance(end);
    };

    if (c === "'") {
      const { value, end } = readQuotedString(sql, i);
      if (end < 0) throw syntaxError(startLine, col, "'" + sql.slice(i + 1, i + 20).split('\n')[0]);
      push('string', value, end);
    } else if (c === '$' && next === '$') {
      const close = sql.indexOf('$$', i + 2);
      if (close === -1) throw syntaxError(startLine, col, '$$');
      push('string', sql.slice(i + 2, close), close + 2, { dollar: true });
    } else if (c === '$' && isDigit(next)) {
      let j = i + 1;
      while (isDigit(sql[j] ?? '')) j++;
      push('positional', sql.slice(i + 1, j), j);
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= sql.length) throw syntaxError(startLine, col, sql.slice(i, i + 20));
        if (sql[j] === '"') {
          if (sql[j + 1] === '"') {
            value += '"';
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      if (value.length === 0) throw syntaxError(startLine, col, '""');
      push('quoted', value, j + 1);
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      let j = i;
      while (isDigit(sql[j] ?? '')) j++;
      if (sql[j] === '.' && isDigit(sql[j + 1] ?? '')) {
        j++;
        while (isDigit(sql[j] ?? '')) j++;
      } else if (sql[j] === '.' && !isWordStart(sql[j + 1] ?? '') && sql[j + 1] !== '.') {
        j++; // "1." is a number
      }
      if ((sql[j] === 'e' || sql[j] === 'E') && (isDigit(sql[j + 1] ?? '') || (/[+-]/.test(sql[j + 1] ?? '') && isDigit(sql[j + 2] ?? '')))) {
        j += 2;
        while (isDigit(sql[j] ?? '')) j++;
      }
      push('number', sql.slice(i, j), j);
    } else if (sql.slice(i, i + 7).toLowerCase() === 'file://') {
      // PUT/GET accept a bare local URI (file:///tmp/a.csv): one token up to whitespace, ';' or a quote
      // (the driver's stage binding writes `PUT file://1'@SYSTEM$BIND/…'`).
      let j = i;
      while (j < sql.length && !/\s|;|'/.test(sql[j]!)) j++;
      push('string', sql.slice(i, j), j);
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (j < sql.length && isWordChar(sql[j]!)) j++;
      const raw = sql.slice(i, j);
      push('word', raw.toUpperCase(), j);
    } else if (c === '@') {
      push('stage', sql.slice(i, stageEnd(sql, i + 1)), stageEnd(sql, i + 1));
    } else {
      const op = OPERATORS.find((o) => sql.startsWith(o, i));
      if (!op) throw syntaxError(startLine, col, c);
      push('op', op, i + op.length);
    }
  }
  tokens.push({ type: 'eof', value: '<EOF>', raw: '', start: sql.length, end: sql.length, line, col: sql.length - lineStart });
  return tokens;
}

/** Reads '…' starting at the quote; Snowflake doubles quotes and also honours backslash escapes. */
export function readQuotedString(sql: string, at: number): { value: string; end: number } {
  let j = at + 1;
  let value = '';
  while (j < sql.length) {
    const ch = sql[j]!;
    if (ch === "'") {
      if (sql[j + 1] === "'") {
        value += "'";
        j += 2;
        continue;
      }
      return { value, end: j + 1 };
    }
    if (ch === '\\' && j + 1 < sql.length) {
      const e = sql[j + 1]!;
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', '\\': '\\', "'": "'", '"': '"' };
      if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(sql.slice(j + 2, j + 4))) {
        value += String.fromCharCode(parseInt(sql.slice(j + 2, j + 4), 16));
        j += 4;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(sql.slice(j + 2, j + 6))) {
        value += String.fromCharCode(parseInt(sql.slice(j + 2, j + 6), 16));
        j += 6;
      } else if (/[0-7]/.test(e) && /^[0-7]{3}$/.test(sql.slice(j + 1, j + 4))) {
        value += String.fromCharCode(parseInt(sql.slice(j + 1, j + 4), 8));
        j += 4;
      } else {
        value += simple[e] ?? e;
        j += 2;
      }
      continue;
    }
    value += ch;
    j++;
  }
  return { value, end: -1 };
}

/** A stage reference runs to whitespace, ';', ',' or ')' — except inside double quotes. */
function stageEnd(sql: string, from: number): number {
  let j = from;
  while (j < sql.length) {
    const ch = sql[j]!;
    if (ch === '"') {
      const close = sql.indexOf('"', j + 1);
      j = close === -1 ? sql.length : close + 1;
      continue;
    }
    if (/\s/.test(ch) || ch === ';' || ch === ',' || ch === ')' || ch === '(') break;
    j++;
  }
  return j;
}
