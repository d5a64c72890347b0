import { describe, expect, it } from 'vitest';
import { splitStatements, SqlSplitError } from './splitter.js';

const texts = (script: string) => splitStatements(script).map((s) => s.text);

describe('splitStatements', () => {
  it('splits on ; and drops the terminator and surrounding whitespace', () => {
    expect(texts('SELECT 1;\n  SELECT 2 ;\nSELECT 3')).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('drops empty statements and statements made only of comments', () => {
    expect(texts(';;\n  ;SELECT 1;; -- trailing\n/* only a comment */;\n// another\n')).toEqual(['SELECT 1']);
    expect(texts('')).toEqual([]);
    expect(texts('  \n-- nothing here\n')).toEqual([]);
  });

  it('keeps ; inside single-quoted strings, with doubled quotes and backslash escapes', () => {
    expect(texts("SELECT 'a;b';SELECT 'it''s; fine';SELECT 'back\\'slash;';SELECT 'end\\\\';SELECT 2")).toEqual([
      "SELECT 'a;b'",
      "SELECT 'it''s; fine'",
      "SELECT 'back\\'slash;'",
      "SELECT 'end\\\\'",
      'SELECT 2',
    ]);
  });

  it('keeps ; inside double-quoted identifiers', () => {
    expect(texts('SELECT 1 AS "a;""b";SELECT 2')).toEqual(['SELECT 1 AS "a;""b"', 'SELECT 2']);
  });

  it('keeps ; and quotes inside $$ blocks, but not $ inside identifiers', () => {
    const spec = "CREATE SERVICE s FROM SPECIFICATION $$\nspec: 'x'; \"y\"; -- not a comment\n$$;SELECT SYSTEM$WAIT_FOR_SERVICES(1, 's')";
    expect(texts(spec)).toEqual([
      "CREATE SERVICE s FROM SPECIFICATION $$\nspec: 'x'; \"y\"; -- not a comment\n$$",
      "SELECT SYSTEM$WAIT_FOR_SERVICES(1, 's')",
    ]);
  });

  it('ignores ; in --, // and /* */ comments and strips comments around a statement', () => {
    const script = [
      '-- heading; with a semicolon',
      'SELECT 1 /* inline; */ + 2; // trailing; comment',
      '/* block',
      '   over lines; */ SELECT 3;',
    ].join('\n');
    expect(texts(script)).toEqual(['SELECT 1 /* inline; */ + 2', 'SELECT 3']);
  });

  it('reports the line each statement starts on', () => {
    const script = "-- header\n\nCREATE TABLE t (\n  a INT\n);\n\n/* x\n y */\nINSERT INTO t VALUES ('multi\nline');\n  SELECT\n1";
    expect(splitStatements(script).map((s) => s.line)).toEqual([3, 9, 11]);
  });

  it('counts lines inside strings, identifiers and $$ blocks', () => {
    const script = "SELECT 'a\nb';\nSELECT \"c\nd\";\nSELECT $$e\nf$$;\nSELECT 4";
    expect(splitStatements(script).map((s) => s.line)).toEqual([1, 3, 5, 7]);
  });

  it('rejects unterminated strings, identifiers, blocks and comments with their line', () => {
    expect(() => splitStatements("SELECT 1;\nSELECT 'open")).toThrow(SqlSplitError);
    expect(() => splitStatements("SELECT 1;\nSELECT 'open")).toThrow(/string literal \(line 2\)/);
    expect(() => splitStatements('SELECT "open')).toThrow(/quoted identifier/);
    expect(() => splitStatements('SELECT $$open')).toThrow(/\$\$ block/);
    expect(() => splitStatements('SELECT 1 /* open')).toThrow(/comment/);
  });
});
