// JSON as Snowflake reads it in PARSE_JSON and JSON files: standard JSON, plus object keys without
// quotes ({a : 1}) and strings in single quotes. The result is standard JSON text, numbers written
// exactly as given. Values JSON cannot hold (NaN, Infinity, undefined), which Snowflake keeps, are
// refused by name rather than stored as something else.
// https://docs.snowflake.com/en/sql-reference/functions/parse_json

export class RelaxedJsonError extends Error {
  constructor(
    message: string,
    /** A value papi local cannot store (NaN, Infinity, undefined): a refusal, not a syntax error. */
    readonly unsupported = false,
  ) {
    super(message);
  }
}

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORDS: Record<string, string> = { true: 'true', false: 'false', null: 'null' };
const UNSTORABLE = new Set(['NaN', 'Infinity', '-Infinity', 'undefined']);

/** One value: its standard JSON text. */
export function relaxedJson(text: string): string {
  const reader = new Reader(text);
  const value = reader.value();
  reader.space();
  if (!reader.done()) throw reader.error('text after the JSON value');
  return value;
}

/**
 * Values one after another (a JSON file: one per line, or simply concatenated), each as standard JSON
 * text; with `stripOuterArray`, an array's elements stand for it.
 */
export function relaxedJsonValues(text: string, stripOuterArray = false): string[] {
  const reader = new Reader(text);
  const values: string[] = [];
  for (reader.space(); !reader.done(); reader.space()) {
    if (stripOuterArray && reader.at('[')) values.push(...reader.items());
    else values.push(reader.value());
  }
  return values;
}

class Reader {
  private i = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.i >= this.text.length;
  }

  error(what: string): RelaxedJsonError {
    return new RelaxedJsonError(`Error parsing JSON: ${what}, pos ${this.i + 1}`);
  }

  space(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }

  value(): string {
    this.space();
    const c = this.text[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || c === "'") return this.string();
    const word = this.match(/-?[A-Za-z]+/y);
    if (word !== undefined) {
      if (UNSTORABLE.has(word)) throw new RelaxedJsonError(`JSON value ${word}`, true);
      const known = WORDS[word];
      if (known === undefined) throw this.error(`unknown keyword ${word}`);
      return known;
    }
    const number = this.match(NUMBER);
    if (number !== undefined) return number;
    throw this.error(c === undefined ? 'unexpected end of text' : `unexpected character '${c}'`);
  }

  private object(): string {
    this.i++;
    const members: string[] = [];
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return '{}';
    }
    for (;;) {
      this.space();
      const c = this.text[this.i];
      const key = c === '"' || c === "'" ? this.string() : this.identifierKey();
      this.space();
      if (this.text[this.i] !== ':') throw this.error("expected ':'");
      this.i++;
      members.push(`${key}:${this.value()}`);
      this.space();
      const next = this.text[this.i++];
      if (next === '}') return `{${members.join(',')}}`;
      if (next !== ',') throw this.error("expected ',' or '}'");
    }
  }

  at(c: string): boolean {
    return this.text[this.i] === c;
  }

  private array(): string {
    return `[${this.items().join(',')}]`;
  }

  /** An array's elements, each as JSON text. */
  items(): string[] {
    this.i++;
    const items: string[] = [];
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.space();
      const next = this.text[this.i++];
      if (next === ']') return items;
      if (next !== ',') throw this.error("expected ',' or ']'");
    }
  }

  private identifierKey(): string {
    const name = this.match(IDENTIFIER);
    if (name === undefined) throw this.error('expected an object key');
    return JSON.stringify(name);
  }

  /** A string in double or single quotes, with JSON's escapes, as JSON text. */
  private string(): string {
    const quote = this.text[this.i++]!;
    let value = '';
    for (;;) {
      const c = this.text[this.i++];
      if (c === undefined) throw this.error('unterminated string');
      if (c === quote) return JSON.stringify(value);
      if (c !== '\\') {
        value += c;
        continue;
      }
      const e = this.text[this.i++];
      const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && simple[e] !== undefined) value += simple[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i, this.i + 4))) {
        value += String.fromCharCode(parseInt(this.text.slice(this.i, this.i + 4), 16));
        this.i += 4;
      } else throw this.error('invalid escape in string');
    }
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.i;
    const found = pattern.exec(this.text);
    if (!found) return undefined;
    this.i += found[0].length;
    return found[0];
  }
}
