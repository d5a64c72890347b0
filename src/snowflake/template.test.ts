import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTaskBody } from '../local/engine/sql/parser.js';
import { ConfigError } from '../ui/errors.js';
import {
  dollarQuoted,
  fileUrl,
  identifier,
  INSTANCE_FAMILIES,
  integer,
  keyword,
  loadTemplate,
  pathSegment,
  qualified,
  renderTemplate,
  renderValue,
  scriptBlock,
  sqlDirectory,
  TemplateError,
  WAREHOUSE_SIZES,
} from './template.js';

describe('renderTemplate', () => {
  it('substitutes placeholders with or without inner spaces', () => {
    expect(renderTemplate('CREATE ROLE <% role %>; USE ROLE <%role%>;', { role: identifier('ML_MODEL_ROLE') })).toBe(
      'CREATE ROLE ML_MODEL_ROLE; USE ROLE ML_MODEL_ROLE;',
    );
  });

  it('renders identifiers in their stored form, quoting reserved words', () => {
    expect(renderTemplate('<% a %> <% b %> <% c %>', { a: identifier('my_role'), b: identifier('USER'), c: identifier('A$1') })).toBe(
      'MY_ROLE "USER" A$1',
    );
  });

  it('renders qualified names part by part', () => {
    expect(renderTemplate('<% t %>', { t: qualified(['api', 'data', 'user']) })).toBe('API.DATA."USER"');
    expect(() => renderTemplate('<% t %>', { t: qualified([]) })).toThrow(ConfigError);
    expect(() => renderTemplate('<% t %>', { t: qualified(['a', 'b', 'c', 'd']) })).toThrow(ConfigError);
  });

  it('fails on a placeholder without a value', () => {
    expect(() => renderTemplate('DROP ROLE <% role %>; DROP USER <% user %>', { role: identifier('R') }, 'x.sql')).toThrow(
      new TemplateError('x.sql: no value for <% user %>'),
    );
  });

  it('fails on a value the template does not use', () => {
    expect(() => renderTemplate('DROP ROLE <% role %>', { role: identifier('R'), extra: identifier('E') })).toThrow(
      /values not used by the template: extra/,
    );
  });

  it('has no logic: anything but <% name %> is malformed', () => {
    for (const template of ['<% if x %>', '<% a.b %>', '<%= x %>', 'SELECT 1 %>', '<% x', '<% ctx.env.x %>'])
      expect(() => renderTemplate(template, {})).toThrow(TemplateError);
  });

  it('does not treat inherited properties as values', () => {
    expect(() => renderTemplate('<% constructor %>', {})).toThrow(/no value for <% constructor %>/);
  });

  it('rejects names that are not plain identifiers, injection attempts included', () => {
    for (const name of ['X; DROP DATABASE Y', 'a b', '1abc', '', 'x"; DROP', "o'brien", 'a.b', 'x--', 'a'.repeat(256)])
      expect(() => renderTemplate('DROP ROLE <% role %>', { role: identifier(name, 'snowflake.adminRole') })).toThrow(ConfigError);
    expect(() => renderTemplate('<% t %>', { t: qualified(['DB', 'S; DROP DATABASE Y']) })).toThrow(ConfigError);
  });

  it('names the config path of a bad value', () => {
    expect(() => renderTemplate('<% r %>', { r: identifier('X; DROP DATABASE Y', 'snowflake.adminRole') })).toThrow(/snowflake\.adminRole/);
  });

  it('validates integers and their range', () => {
    expect(renderTemplate('LIMIT <% n %>', { n: integer(10, { min: 1 }) })).toBe('LIMIT 10');
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, '10; DROP' as unknown as number])
      expect(() => renderTemplate('<% n %>', { n: integer(bad) })).toThrow(ConfigError);
    expect(() => renderTemplate('<% n %>', { n: integer(0, { min: 1 }) })).toThrow(/less than 1/);
    expect(() => renderTemplate('<% n %>', { n: integer(11, { max: 10 }) })).toThrow(/more than 10/);
  });

  it('accepts keywords only from their allow-list, in upper case', () => {
    expect(renderTemplate('<% s %>', { s: keyword('xsmall', WAREHOUSE_SIZES) })).toBe('XSMALL');
    expect(renderTemplate('<% f %>', { f: keyword('CPU_X64_XS', INSTANCE_FAMILIES) })).toBe('CPU_X64_XS');
    for (const bad of ['HUGE', 'XSMALL; DROP DATABASE Y', 'X-SMALL', ''])
      expect(() => renderTemplate('<% s %>', { s: keyword(bad, WAREHOUSE_SIZES, 'snowflake.warehouse.size') })).toThrow(
        /snowflake\.warehouse\.size/,
      );
    expect(() => renderTemplate('<% f %>', { f: keyword('XSMALL', INSTANCE_FAMILIES) })).toThrow(ConfigError);
  });
});

describe('file, folder and specification values', () => {
  const render = (value: ReturnType<typeof fileUrl>) => renderTemplate('<% v %>', { v: value });

  it('renders an absolute path as a file:// literal and refuses anything that could break out of it', () => {
    expect(render(fileUrl('/tmp/papi-x/ratings.csv'))).toBe("'file:///tmp/papi-x/ratings.csv'");
    for (const bad of ['relative/ratings.csv', "/tmp/it's.csv", '/tmp/a\\b.csv', '/tmp/a\nb.csv'])
      expect(() => render(fileUrl(bad)), bad).toThrow(TemplateError);
  });

  it('accepts lower-case stage folder names only', () => {
    expect(render(pathSegment('ratings'))).toBe('ratings');
    for (const bad of ['Ratings', '../x', 'a/b', "a'", '']) expect(() => render(pathSegment(bad)), bad).toThrow(TemplateError);
  });

  it('embeds text in $$ so that no $$ inside (or a trailing $) can end the block, and JSON reads it back', () => {
    const spec = JSON.stringify({ env: { A: 'cost: $$5', B: 'ends with $' } });
    const sql = render(dollarQuoted(spec));
    expect(sql.startsWith('$$') && sql.endsWith('$$')).toBe(true);
    const inner = sql.slice(2, -2);
    expect(inner).not.toContain('$$');
    expect(JSON.parse(inner)).toEqual(JSON.parse(spec));
  });
});

describe('templates in sql/', () => {
  it('finds sql/ from the package, not the working directory', () => {
    expect(readdirSync(sqlDirectory())).toEqual(expect.arrayContaining(['setup', 'teardown', 'publish', 'recommend', 'data']));
    expect(loadTemplate('setup/01-roles.sql')).toContain('CREATE ROLE IF NOT EXISTS');
  });

  it('refuses paths outside sql/', () => {
    expect(() => loadTemplate('../package.json')).toThrow(TemplateError);
    expect(() => loadTemplate('/etc/passwd')).toThrow(TemplateError);
  });

  it('every template has placeholders only in the <% name %> form and none inside string literals', () => {
    const dir = sqlDirectory();
    for (const folder of readdirSync(dir))
      for (const file of readdirSync(join(dir, folder))) {
        // A procedure's JavaScript (sql/recommend/*.js) is no template: it is embedded whole.
        const text = file.endsWith('.js') ? '' : loadTemplate(`${folder}/${file}`);
        const withoutPlaceholders = text.replace(/<%\s*[A-Za-z_][A-Za-z0-9_]*\s*%>/g, '');
        expect(withoutPlaceholders, `${folder}/${file}`).not.toMatch(/<%|%>/);
        const code = text.replace(/--[^\n]*/g, '');
        for (const literal of code.match(/'[^']*'/g) ?? []) expect(literal, `${folder}/${file}`).not.toContain('<%');
      }
  });
});

describe('script blocks (a task body)', () => {
  const statements = ["INSERT INTO T VALUES ('it''s', 'a\\b')", 'SELECT 1'];

  it('renders $$ BEGIN …; END; $$ that papi local reads back statement for statement', () => {
    const sql = renderValue('body', scriptBlock(statements));
    expect(sql).toBe("$$\nBEGIN\nINSERT INTO T VALUES ('it''s', 'a\\b');\nSELECT 1;\nEND;\n$$");
    expect(parseTaskBody(`EXECUTE IMMEDIATE ${sql}`).map((s) => s.text)).toEqual(statements);
  });

  it('quotes a block holding $$ (a procedure body) as a string literal nothing can close early', () => {
    // As a procedure's body would be: $$ … $$ holding quotes, a backslash and a semicolon.
    const withDollars = [...statements, "SELECT $$ return 'x\\n'; $$ AS BODY"];
    const sql = renderValue('body', scriptBlock(withDollars));
    expect(sql.startsWith("'\nBEGIN\n")).toBe(true);
    expect(parseTaskBody(`EXECUTE IMMEDIATE ${sql}`).map((s) => s.text)).toEqual(withDollars);
    expect(() => renderValue('body', scriptBlock([]))).toThrow(/needs statements/);
  });
});
