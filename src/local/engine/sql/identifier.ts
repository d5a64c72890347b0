// IDENTIFIER(?) and IDENTIFIER('name'): an object name given as a bound or literal string
// (https://docs.snowflake.com/en/sql-reference/identifier-literal). papi local resolves it before
// parsing: the name is checked to be a name (1 to 3 parts, each a plain or double-quoted identifier),
// written in the statement's place as double-quoted parts (a plain part as Snowflake resolves it, upper
// case), and a bound name leaves the binds (the remaining `?` keep their order). Anything else inside
// IDENTIFIER( … ) is refused by name.
import { ErrorCode, SqlError } from '../../errors.js';
import { tokenize, type Token } from './lexer.js';
import { parseNameText, unsupported } from './parser.js';

export function inlineIdentifiers<B extends { value: unknown }>(sql: string, binds: B[]): { sql: string; binds: B[] } {
  if (!/IDENTIFIER/i.test(sql)) return { sql, binds };
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch {
    return { sql, binds }; // the parser reports it
  }
  const isIdentifier = (i: number) => tokens[i]!.type === 'word' && tokens[i]!.value === 'IDENTIFIER' && tokens[i + 1]?.type === 'op' && tokens[i + 1]!.value === '(';
  if (!tokens.some((_, i) => isIdentifier(i))) return { sql, binds };
  // Numbered binds (:1) would need renumbering once a bound name leaves them.
  if (tokens.some((t, i) => t.type === 'op' && t.value === ':' && tokens[i + 1]?.type === 'number')) throw unsupported('IDENTIFIER() in a statement with :n binds');
  let out = '';
  let copied = 0;
  let ordinal = 0;
  const used = new Set<number>();
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.type === 'op' && t.value === '?') ordinal++;
    if (!isIdentifier(k)) continue;
    const inner = tokens[k + 2];
    const close = tokens[k + 3];
    if (!inner || !close || close.type !== 'op' || close.value !== ')') throw unsupported('IDENTIFIER() with anything but a ? bind or a string literal');
    let text: string;
    if (inner.type === 'string') text = inner.value;
    else if (inner.type === 'op' && inner.value === '?') {
      ordinal++;
      const bind = binds[ordinal - 1];
      if (!bind) throw new SqlError('002049', '22000', `SQL compilation error: error line ${inner.line} at position ${inner.col - 1}\nBind variable ? not set.`);
      if (typeof bind.value !== 'string') throw new SqlError('002025', '22023', 'SQL compilation error:\nIDENTIFIER() needs a text value: the name of an object.');
      text = bind.value;
      used.add(ordinal - 1);
    } else throw unsupported('IDENTIFIER() with anything but a ? bind or a string literal');
    const name = parseNameText(text);
    if (!name) throw new SqlError(ErrorCode.invalidIdentifier, '42000', `SQL compilation error:\ninvalid identifier '${text.replaceAll("'", "''")}'`);
    out += sql.slice(copied, t.start) + name.parts.map((p) => `"${p.name.replaceAll('"', '""')}"`).join('.');
    copied = close.end;
    k += 3;
  }
  if (copied === 0) return { sql, binds };
  return { sql: out + sql.slice(copied), binds: binds.filter((_, i) => !used.has(i)) };
}
