// Splits a SQL script into statements the way Snowflake reads it: a `;` ends a statement only
// outside string literals, quoted identifiers, $$…$$ blocks and comments. Each statement keeps the
// line it starts on, so an error can point at sql/<file>.sql:<line>.

export interface SplitStatement {
  /** The statement text, trimmed, without its trailing `;` and without comments before or after it. */
  text: string;
  /** 1-based line of the statement's first character in the script. */
  line: number;
}

export class SqlSplitError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
    this.name = 'SqlSplitError';
  }
}

const IDENTIFIER_CHAR = /[A-Za-z0-9_$]/;

export function splitStatements(script: string): SplitStatement[] {
  const statements: SplitStatement[] = [];
  let line = 1;
  // Start and end offsets of the current statement's meaningful text (comments around it excluded).
  let start = -1;
  let end = -1;
  let startLine = 0;

  const markCode = (from: number, to: number) => {
    if (start < 0) {
      start = from;
      startLine = line;
    }
    end = to;
  };
  const finish = () => {
    if (start >= 0) statements.push({ text: script.slice(start, end).trim(), line: startLine });
    start = -1;
    end = -1;
  };

  let i = 0;
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];

    if (ch === ';') {
      finish();
      i++;
    } else if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) {
      i++;
    } else if ((ch === '-' && next === '-') || (ch === '/' && next === '/')) {
      // Line comment: up to (not including) the newline, which the loop counts.
      const newline = script.indexOf('\n', i);
      i = newline < 0 ? script.length : newline;
    } else if (ch === '/' && next === '*') {
      const close = script.indexOf('*/', i + 2);
      if (close < 0) throw new SqlSplitError('unterminated /* comment', line);
      line += countNewlines(script, i, close);
      i = close + 2;
    } else if (ch === "'") {
      const from = i;
      i = skipSingleQuoted(script, i + 1, line);
      markCode(from, i);
      line += countNewlines(script, from, i);
    } else if (ch === '"') {
      const from = i;
      i = skipDoubleQuoted(script, i + 1, line);
      markCode(from, i);
      line += countNewlines(script, from, i);
    } else if (ch === '$' && next === '$' && !(i > 0 && IDENTIFIER_CHAR.test(script[i - 1]!))) {
      const close = script.indexOf('$$', i + 2);
      if (close < 0) throw new SqlSplitError('unterminated $$ block', line);
      const from = i;
      i = close + 2;
      markCode(from, i);
      line += countNewlines(script, from, i);
    } else {
      markCode(i, i + 1);
      i++;
    }
  }
  finish();
  return statements;
}

/** Returns the offset just past the closing quote; '' and backslash escapes stay inside. */
function skipSingleQuoted(script: string, i: number, line: number): number {
  while (i < script.length) {
    const ch = script[i];
    if (ch === '\\') i += 2;
    else if (ch === "'" && script[i + 1] === "'") i += 2;
    else if (ch === "'") return i + 1;
    else i++;
  }
  throw new SqlSplitError('unterminated string literal', line);
}

function skipDoubleQuoted(script: string, i: number, line: number): number {
  while (i < script.length) {
    if (script[i] === '"' && script[i + 1] === '"') i += 2;
    else if (script[i] === '"') return i + 1;
    else i++;
  }
  throw new SqlSplitError('unterminated quoted identifier', line);
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text[i] === '\n') count++;
  return count;
}
