// Recursive-descent parser for the Snowflake SQL subset papi local runs (see ast.ts for the tree).
// Hand-written rather than a generic SQL grammar because the subset is Snowflake-specific (stages,
// $$ bodies, `:` paths, QUALIFY, FLATTEN, SPCS DDL) and errors must read like Snowflake's: syntax
// errors 001003 with line and position, anything recognised but outside the subset 002040 naming it.
import { ErrorCode, SqlError } from '../../errors.js';
import type * as A from './ast.js';
import { syntaxError, tokenize, type Token } from './lexer.js';
import { RESERVED_KEYWORDS } from './reserved-keywords.js';

/** Words that cannot be used unquoted as identifiers or aliases (Snowflake's reserved list). */
const RESERVED = RESERVED_KEYWORDS;

/** Words that end a select item or table reference, so they are never taken as an implicit alias. */
const NOT_ALIAS = new Set([
  ...RESERVED,
  'LIMIT',
  'OFFSET',
  'FETCH',
  'WINDOW',
  'EXCEPT',
  'PIVOT',
  'UNPIVOT',
  'MATCH_RECOGNIZE',
  'ASOF',
  'CHANGES',
  'AT',
  'BEFORE',
  'EXCLUDE',
  'RENAME',
  'REPLACE',
]);

const NO_PAREN_FUNCTIONS = new Set(['CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'CURRENT_USER', 'LOCALTIME', 'LOCALTIMESTAMP']);

const DATA_TYPES = new Set(
  `NUMBER NUMERIC DECIMAL DEC INT INTEGER BIGINT SMALLINT TINYINT BYTEINT FLOAT FLOAT4 FLOAT8 DOUBLE REAL
  VARCHAR CHAR CHARACTER STRING TEXT NVARCHAR NVARCHAR2 NCHAR BOOLEAN DATE TIME TIMESTAMP TIMESTAMP_NTZ
  TIMESTAMP_LTZ TIMESTAMP_TZ DATETIME VARIANT OBJECT ARRAY MAP BINARY VARBINARY`.split(/\s+/),
);
const UNSUPPORTED_TYPES = new Set(['GEOGRAPHY', 'GEOMETRY', 'VECTOR', 'FILE']);

/** SHOW targets, longest first so `SHOW HYBRID TABLES` wins over a shorter prefix. */
const SHOW_TARGETS = [
  'USER PROGRAMMATIC ACCESS TOKENS',
  'USER PATS',
  'SERVICE CONTAINERS',
  'SERVICE INSTANCES',
  'HYBRID TABLES',
  'COMPUTE POOLS',
  'SECURITY INTEGRATIONS',
  'IMAGE REPOSITORIES',
  'FILE FORMATS',
  'FUTURE GRANTS',
  'USER FUNCTIONS',
  'USER PROCEDURES',
  'DATABASES',
  'SCHEMAS',
  'TABLES',
  'VIEWS',
  'COLUMNS',
  'STAGES',
  'ROLES',
  'USERS',
  'INTEGRATIONS',
  'GRANTS',
  'WAREHOUSES',
  'IMAGES',
  'SERVICES',
  'TASKS',
  'ENDPOINTS',
  'PARAMETERS',
  'FUNCTIONS',
  'PROCEDURES',
  'INTEGRATIONS',
  'OBJECTS',
  'SEQUENCES',
  'VARIABLES',
  'TRANSACTIONS',
].map((s) => s.split(' '));

/** Object kinds, longest first; HYBRID TABLE is a TABLE for DROP/GRANT/DESCRIBE. */
const OBJECT_TYPES: Array<[string[], A.ObjectType]> = [
  [['HYBRID', 'TABLE'], 'TABLE'],
  [['IMAGE', 'REPOSITORY'], 'IMAGE REPOSITORY'],
  [['COMPUTE', 'POOL'], 'COMPUTE POOL'],
  [['FILE', 'FORMAT'], 'FILE FORMAT'],
  [['EXTERNAL', 'ACCESS', 'INTEGRATION'], 'INTEGRATION'],
  [['SECURITY', 'INTEGRATION'], 'INTEGRATION'],
  [['DATABASE'], 'DATABASE'],
  [['SCHEMA'], 'SCHEMA'],
  [['TABLE'], 'TABLE'],
  [['VIEW'], 'VIEW'],
  [['STAGE'], 'STAGE'],
  [['ROLE'], 'ROLE'],
  [['USER'], 'USER'],
  [['WAREHOUSE'], 'WAREHOUSE'],
  [['SERVICE'], 'SERVICE'],
  [['INTEGRATION'], 'INTEGRATION'],
  [['FUNCTION'], 'FUNCTION'],
  [['PROCEDURE'], 'PROCEDURE'],
  [['SEQUENCE'], 'SEQUENCE'],
  [['TASK'], 'TASK'],
];

const GRANT_PLURALS = [
  'HYBRID TABLES',
  'IMAGE REPOSITORIES',
  'FILE FORMATS',
  'MATERIALIZED VIEWS',
  'EXTERNAL TABLES',
  'DYNAMIC TABLES',
  'TABLES',
  'VIEWS',
  'SCHEMAS',
  'STAGES',
  'FUNCTIONS',
  'PROCEDURES',
  'SEQUENCES',
  'SERVICES',
].map((s) => s.split(' '));

export function unsupported(feature: string): SqlError {
  return new SqlError(ErrorCode.unsupported, '0A000', `SQL compilation error:\nUnsupported feature '${feature}'.`);
}

/** Parses exactly one statement (a trailing ';' is allowed). */
export function parse(sql: string): A.Statement {
  const segments = splitTokens(tokenize(sql));
  if (segments.length === 0) throw new SqlError('000900', '42000', 'SQL compilation error:\nEmpty SQL statement.');
  if (segments.length > 1)
    throw new SqlError('000008', '0A000', `Actual statement count ${segments.length} did not match the desired statement count 1.`);
  return new Parser(sql, segments[0]!).statement();
}

/** Parses a script of `;`-separated statements (semicolons inside strings, comments and $$ are text). */
export function parseScript(sql: string): A.Statement[] {
  return splitTokens(tokenize(sql)).map((tokens) => new Parser(sql, tokens).statement());
}

/** The source text of each statement in a script, without the separating semicolons, and its number of `?` binds. */
export function splitStatements(sql: string): Array<{ text: string; binds: number }> {
  return splitTokens(tokenize(sql)).map((tokens) => ({
    text: sql.slice(tokens[0]!.start, tokens[tokens.length - 2]!.end),
    binds: tokens.filter((t) => t.type === 'op' && t.value === '?').length,
  }));
}

/**
 * Token runs between top-level semicolons, each ending with its own 'eof'; empty runs dropped. The
 * semicolons of a Snowflake Scripting block written inline as a task's body (CREATE TASK … AS BEGIN
 * …; …; END) are inside the statement, as Snowflake reads it.
 */
function splitTokens(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (const [i, t] of tokens.entries()) {
    if (t.type === 'word' && current.length > 0) {
      const opensBlock = t.value === 'BEGIN' && isBlockBegin(tokens[i + 1]);
      if (depth === 0 && opensBlock && isTaskBodyStart(current)) depth = 1;
      else if (depth > 0) depth += blockDepthChange(t, tokens[i + 1]);
    }
    if (depth > 0 && t.type === 'op' && t.value === ';') current.push(t);
    else if ((t.type === 'op' && t.value === ';') || t.type === 'eof') {
      if (current.length > 0) out.push([...current, { ...t, type: 'eof', value: '<EOF>', raw: '' }]);
      current = [];
      depth = 0;
    } else current.push(t);
  }
  return out;
}

/** BEGIN opens a block unless it starts a transaction (BEGIN; BEGIN TRANSACTION|WORK|NAME …). */
function isBlockBegin(next: Token | undefined): boolean {
  if (!next || next.type === 'eof' || (next.type === 'op' && next.value === ';')) return false;
  return !(next.type === 'word' && ['TRANSACTION', 'WORK', 'NAME'].includes(next.value));
}

/** The tokens so far are `CREATE … TASK … AS`: what follows is a task's body. */
function isTaskBodyStart(current: Token[]): boolean {
  const last = current[current.length - 1]!;
  return current[0]!.value === 'CREATE' && last.type === 'word' && last.value === 'AS' && current.some((t) => t.type === 'word' && t.value === 'TASK');
}

/** Inside a block: BEGIN and CASE open, END closes (END IF / FOR / LOOP / WHILE / REPEAT close what was not counted). */
function blockDepthChange(t: Token, next: Token | undefined): number {
  if (t.value === 'CASE' || (t.value === 'BEGIN' && isBlockBegin(next))) return 1;
  if (t.value !== 'END') return 0;
  const closes = next?.type === 'word' ? next.value : '';
  return ['IF', 'FOR', 'LOOP', 'WHILE', 'REPEAT'].includes(closes) ? 0 : -1;
}

/** Snowflake Scripting words papi local does not run in a task's body (refused by name). */
const SCRIPTING_WORDS = new Set(['DECLARE', 'LET', 'IF', 'FOR', 'WHILE', 'REPEAT', 'LOOP', 'CASE', 'RETURN', 'BREAK', 'CONTINUE', 'RAISE', 'OPEN', 'FETCH', 'CLOSE', 'EXCEPTION', 'BEGIN', 'AWAIT', 'CANCEL', 'NULL']);

/**
 * A task's body as the statements papi local runs in order: one SQL statement, or a Snowflake
 * Scripting block of plain SQL statements (BEGIN stmt; … END), written inline or as EXECUTE IMMEDIATE
 * $$ … $$ (https://docs.snowflake.com/en/developer-guide/snowflake-scripting/running-examples). Any
 * scripting construct beyond that (DECLARE, LET, IF, FOR, EXCEPTION, nested blocks, assignments) is
 * refused by name (002040). Each statement is parsed, so a body papi local cannot run fails at CREATE.
 */
export function parseTaskBody(definition: string): Array<{ text: string; statement: A.Statement }> {
  const tokens = tokenize(definition);
  const words = tokens.filter((t) => t.type !== 'eof');
  if (words.length === 0) throw syntaxError(1, 1, '<EOF>');
  const head = words[0]!;
  if (head.type === 'word' && head.value === 'EXECUTE' && words[1]?.type === 'word' && words[1].value === 'IMMEDIATE') {
    const body = words[2];
    if (!body || body.type !== 'string' || words.length > 3 + (isSemicolon(words[3]) ? 1 : 0)) throw unsupported('EXECUTE IMMEDIATE of anything but a string constant in a task body');
    return parseTaskBody(body.value);
  }
  if (head.type === 'word' && SCRIPTING_WORDS.has(head.value) && !(head.value === 'BEGIN' && isBlockBegin(words[1]))) throw unsupported(`Snowflake Scripting ${head.value} in a task body`);
  if (!(head.type === 'word' && head.value === 'BEGIN')) {
    const statement = parse(definition);
    return [{ text: definition, statement }];
  }
  // BEGIN … END [;]
  let end = words.length - 1;
  if (isSemicolon(words[end])) end--;
  const close = words[end];
  if (!close || close.type !== 'word' || close.value !== 'END' || end < 1) throw syntaxError(close?.line ?? 1, close?.col ?? 1, close?.raw ?? '<EOF>');
  const inner = words.slice(1, end);
  const statements: Array<{ text: string; statement: A.Statement }> = [];
  let run: Token[] = [];
  let depth = 0;
  const finish = () => {
    if (run.length === 0) return;
    const first = run[0]!;
    if (first.type === 'word' && SCRIPTING_WORDS.has(first.value)) throw unsupported(`Snowflake Scripting ${first.value} in a task body`);
    if (run[1]?.type === 'op' && run[1].value === ':' && run[2]?.type === 'op' && run[2].value === '=') throw unsupported('Snowflake Scripting assignment (:=) in a task body');
    const text = definition.slice(first.start, run[run.length - 1]!.end);
    statements.push({ text, statement: parse(text) });
    run = [];
  };
  for (const [i, t] of inner.entries()) {
    if (t.type === 'word' && (t.value === 'EXCEPTION' || (t.value === 'BEGIN' && isBlockBegin(inner[i + 1])))) throw unsupported(`Snowflake Scripting ${t.value} in a task body`);
    if (t.type === 'word') depth += t.value === 'CASE' ? 1 : t.value === 'END' ? -1 : 0;
    if (depth === 0 && isSemicolon(t)) finish();
    else run.push(t);
  }
  if (run.length > 0) throw syntaxError(close.line, close.col, 'END');
  if (statements.length === 0) throw syntaxError(close.line, close.col, 'END');
  return statements;
}

const isSemicolon = (t: Token | undefined) => t?.type === 'op' && t.value === ';';

/** Table functions of INFORMATION_SCHEMA papi local answers, with the named arguments each takes. */
const INFORMATION_SCHEMA_FUNCTIONS: Record<string, string[]> = {
  QUERY_HISTORY_BY_SESSION: [],
  TASK_HISTORY: ['TASK_NAME', 'RESULT_LIMIT', 'ERROR_ONLY'],
};

/** A type from its text: the catalog stores column types as text (OBJECT(city VARCHAR(16777216)), …). */
export function parseDataType(text: string): A.DataType {
  return new Parser(text, tokenize(text)).wholeDataType();
}

class Parser {
  private i = 0;
  private bindCount = 0;

  constructor(
    private readonly sql: string,
    private readonly tokens: Token[],
  ) {}

  // ── token helpers

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.i++;
    return t;
  }
  private get prevEnd(): number {
    return this.tokens[this.i - 1]?.end ?? 0;
  }
  private fail(t: Token = this.peek()): never {
    throw syntaxError(t.line, t.col, t.type === 'eof' ? '<EOF>' : t.raw);
  }
  private isWord(w: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'word' && t.value === w;
  }
  private isWords(...ws: string[]): boolean {
    return ws.every((w, k) => this.isWord(w, k));
  }
  private acceptWord(w: string): boolean {
    if (this.isWord(w)) {
      this.i++;
      return true;
    }
    return false;
  }
  private acceptWords(...ws: string[]): boolean {
    if (this.isWords(...ws)) {
      this.i += ws.length;
      return true;
    }
    return false;
  }
  private expectWord(...ws: string[]): void {
    for (const w of ws) if (!this.acceptWord(w)) this.fail();
  }
  private isOp(o: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'op' && t.value === o;
  }
  private acceptOp(o: string): boolean {
    if (this.isOp(o)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expectOp(o: string): void {
    if (!this.acceptOp(o)) this.fail();
  }
  private pos(t: Token = this.peek()): A.Pos {
    return { line: t.line, col: t.col };
  }
  private expectEnd(): void {
    if (this.peek().type !== 'eof') this.fail();
  }

  // ── names

  private isIdentStart(k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'quoted' || (t.type === 'word' && !RESERVED.has(t.value));
  }
  private ident(): A.Ident {
    const t = this.peek();
    if (t.type === 'quoted') {
      this.i++;
      return { name: t.value, quoted: true };
    }
    if (t.type === 'word' && !RESERVED.has(t.value)) {
      this.i++;
      return { name: t.value, quoted: false };
    }
    return this.fail();
  }
  private objectName(): A.ObjectName {
    const pos = this.pos();
    const parts = [this.ident()];
    while (this.isOp('.') && parts.length < 3) {
      this.i++;
      parts.push(this.ident());
    }
    return { parts, pos };
  }
  private identList(): A.Ident[] {
    this.expectOp('(');
    const out = [this.ident()];
    while (this.acceptOp(',')) out.push(this.ident());
    this.expectOp(')');
    return out;
  }
  private ifExists(): boolean {
    return this.acceptWords('IF', 'EXISTS');
  }
  private ifNotExists(): boolean {
    return this.acceptWords('IF', 'NOT', 'EXISTS');
  }
  private stringLit(): string {
    const t = this.peek();
    if (t.type !== 'string') this.fail();
    this.i++;
    return t.value;
  }
  private integer(): number {
    const t = this.peek();
    if (t.type !== 'number' || !/^\d+$/.test(t.value)) this.fail();
    this.i++;
    return Number(t.value);
  }

  // ── statements

  statement(): A.Statement {
    const stmt = this.statementBody();
    this.expectEnd();
    return stmt;
  }

  private statementBody(): A.Statement {
    const t = this.peek();
    if (t.type === 'op' && t.value === '(') return { kind: 'select', query: this.query() };
    if (t.type !== 'word') this.fail();
    switch (t.value) {
      case 'SELECT':
      case 'WITH':
        return { kind: 'select', query: this.query() };
      case 'INSERT':
        return this.insert();
      case 'UPDATE':
        return this.update();
      case 'DELETE':
        return this.delete();
      case 'TRUNCATE':
        return this.truncate();
      case 'MERGE':
        return this.merge();
      case 'CREATE':
        return this.create();
      case 'ALTER':
        return this.alter();
      case 'DROP':
        return this.drop();
      case 'UNDROP':
        return this.undrop();
      case 'USE':
        return this.use();
      case 'GRANT':
        return this.grant();
      case 'REVOKE':
        return this.revoke();
      case 'SHOW':
        return this.show();
      case 'DESCRIBE':
      case 'DESC':
        return this.describe();
      case 'CALL':
        return this.callStatement();
      case 'PUT':
        return this.put();
      case 'GET':
        return this.get();
      case 'LIST':
      case 'LS':
        this.i++;
        return { kind: 'list', stage: this.stageRef(), pattern: this.patternOption() };
      case 'REMOVE':
      case 'RM':
        this.i++;
        return { kind: 'remove', stage: this.stageRef(), pattern: this.patternOption() };
      case 'COPY':
        return this.copyInto();
      case 'BEGIN':
      case 'START':
        return this.begin();
      case 'COMMIT':
        this.i++;
        this.acceptWord('WORK');
        return { kind: 'commit' };
      case 'ROLLBACK':
        this.i++;
        this.acceptWord('WORK');
        return { kind: 'rollback' };
      case 'EXPLAIN':
        this.i++;
        if (this.acceptWord('USING')) this.next();
        return { kind: 'explain', statement: this.statementBody() };
      case 'COMMENT':
        return this.commentOn();
      case 'VALUES':
        return { kind: 'select', query: this.query() };
      case 'SET':
      case 'UNSET':
        throw unsupported('session variables');
      case 'EXECUTE':
        if (this.isWords('EXECUTE', 'TASK')) {
          this.i += 2;
          return { kind: 'executeTask', name: this.objectName() };
        }
        throw unsupported(this.isWords('EXECUTE', 'IMMEDIATE') ? 'EXECUTE IMMEDIATE' : 'EXECUTE');
      case 'DECLARE':
        throw unsupported('Snowflake Scripting');
      default:
        return this.fail();
    }
  }

  private begin(): A.Statement {
    if (this.acceptWord('START')) this.expectWord('TRANSACTION');
    else {
      this.expectWord('BEGIN');
      if (!this.acceptWord('TRANSACTION')) this.acceptWord('WORK');
    }
    if (this.acceptWord('NAME')) this.ident();
    return { kind: 'begin' };
  }

  // ── queries

  query(): A.Query {
    let withClause: A.Query['with'];
    if (this.acceptWord('WITH')) {
      const recursive = this.acceptWord('RECURSIVE');
      const ctes: A.Cte[] = [];
      do {
        const name = this.ident();
        const columns = this.isOp('(') ? this.identList() : undefined;
        this.expectWord('AS');
        this.expectOp('(');
        const query = this.query();
        this.expectOp(')');
        ctes.push({ name, columns, query });
      } while (this.acceptOp(','));
      withClause = { recursive, ctes };
    }
    const body = this.setExpr();
    const q: A.Query = { body };
    if (withClause) q.with = withClause;
    if (this.isWords('ORDER', 'BY')) {
      this.i += 2;
      q.orderBy = this.orderItems();
    }
    if (this.acceptWord('LIMIT')) {
      q.limit = this.expr();
      if (this.acceptWord('OFFSET')) q.offset = this.expr();
    } else {
      if (this.acceptWord('OFFSET')) {
        q.offset = this.expr();
        if (!this.acceptWord('ROWS')) this.acceptWord('ROW');
      }
      if (this.acceptWord('FETCH')) {
        if (!this.acceptWord('FIRST')) this.expectWord('NEXT');
        q.limit = this.expr();
        if (!this.acceptWord('ROWS')) this.expectWord('ROW');
        this.expectWord('ONLY');
      }
    }
    return q;
  }

  private setExpr(): A.SetExpr {
    let left = this.intersectTerm();
    for (;;) {
      let op: 'UNION' | 'EXCEPT';
      if (this.acceptWord('UNION')) op = 'UNION';
      else if (this.acceptWord('EXCEPT') || this.acceptWord('MINUS')) op = 'EXCEPT';
      else return left;
      const all = this.acceptWord('ALL');
      if (!all) this.acceptWord('DISTINCT');
      const byName = this.acceptWords('BY', 'NAME');
      const right = this.intersectTerm();
      left = { kind: 'setOp', op, all, ...(byName ? { byName } : {}), left, right };
    }
  }

  private intersectTerm(): A.SetExpr {
    let left = this.setTerm();
    while (this.acceptWord('INTERSECT')) {
      const all = this.acceptWord('ALL');
      left = { kind: 'setOp', op: 'INTERSECT', all, left, right: this.setTerm() };
    }
    return left;
  }

  private setTerm(): A.SetExpr {
    if (this.acceptOp('(')) {
      const query = this.query();
      this.expectOp(')');
      return { kind: 'parenQuery', query };
    }
    if (this.isWord('VALUES')) return this.valuesBody();
    return this.select();
  }

  private valuesBody(): A.ValuesBody {
    this.expectWord('VALUES');
    const rows: A.Expr[][] = [];
    do {
      this.expectOp('(');
      const row = [this.expr()];
      while (this.acceptOp(',')) row.push(this.expr());
      this.expectOp(')');
      rows.push(row);
    } while (this.acceptOp(','));
    return { kind: 'values', rows };
  }

  private select(): A.Select {
    this.expectWord('SELECT');
    const distinct = this.acceptWord('DISTINCT');
    if (!distinct) this.acceptWord('ALL');
    const top = this.isWord('TOP') && (this.peek(1).type === 'number' || this.isOp('(', 1) || this.isOp('?', 1)) ? (this.i++, this.primary()) : undefined;
    const items: A.SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptOp(','));
    const sel: A.Select = { kind: 'select', distinct, items, from: [] };
    if (top) sel.top = top;
    if (this.acceptWord('FROM')) sel.from = this.fromList();
    if (this.acceptWord('WHERE')) sel.where = this.expr();
    if (this.isWords('GROUP', 'BY')) {
      this.i += 2;
      if (this.isWords('GROUPING', 'SETS') || this.isWord('CUBE') || this.isWord('ROLLUP')) throw unsupported(`GROUP BY ${this.peek().value}`);
      if (this.isWord('ALL') && !this.isOp('(', 1)) {
        this.i++;
        sel.groupBy = [];
        sel.groupByAll = true;
      } else {
        sel.groupBy = [this.expr()];
        while (this.acceptOp(',')) sel.groupBy.push(this.expr());
      }
    }
    if (this.acceptWord('HAVING')) sel.having = this.expr();
    if (this.acceptWord('QUALIFY')) sel.qualify = this.expr();
    if (this.isWord('WINDOW')) throw unsupported('WINDOW clause');
    if (this.isWords('CONNECT', 'BY') || this.isWords('START', 'WITH')) throw unsupported('CONNECT BY');
    return sel;
  }

  private selectItem(): A.SelectItem {
    const start = this.peek().start;
    if (this.isOp('*')) {
      this.i++;
      const item: A.SelectItem = { expr: { kind: 'star' }, text: '*' };
      return this.starModifiers(item);
    }
    const expr = this.expr();
    const text = this.sql.slice(start, this.prevEnd);
    if (expr.kind === 'star') return this.starModifiers({ expr, text });
    const item: A.SelectItem = { expr, text };
    if (this.acceptWord('AS')) item.alias = this.ident();
    else if (this.peek().type === 'quoted' || (this.peek().type === 'word' && !NOT_ALIAS.has(this.peek().value))) item.alias = this.ident();
    return item;
  }

  private starModifiers(item: A.SelectItem): A.SelectItem {
    if (this.acceptWord('EXCLUDE')) item.exclude = this.isOp('(') ? this.identList() : [this.ident()];
    if (this.isWord('RENAME') || this.isWord('REPLACE') || this.isWord('ILIKE')) throw unsupported(`SELECT * ${this.peek().value}`);
    return item;
  }

  private fromList(): A.FromItem[] {
    const out = [this.joinedItem()];
    while (this.acceptOp(',')) out.push(this.joinedItem());
    return out;
  }

  private joinedItem(): A.FromItem {
    let left = this.fromPrimary();
    for (;;) {
      if (this.isWords('LATERAL', 'VIEW')) throw unsupported('LATERAL VIEW');
      const natural = this.acceptWord('NATURAL');
      let type: A.JoinItem['type'] | undefined;
      if (this.acceptWord('JOIN')) type = 'INNER';
      else if (this.acceptWord('INNER')) type = 'INNER';
      else if (this.acceptWord('LEFT')) type = 'LEFT';
      else if (this.acceptWord('RIGHT')) type = 'RIGHT';
      else if (this.acceptWord('FULL')) type = 'FULL';
      else if (this.acceptWord('CROSS')) type = 'CROSS';
      else if (this.isWord('ASOF')) throw unsupported('ASOF JOIN');
      else {
        if (natural) this.fail();
        return left;
      }
      if (type !== 'INNER' || this.peek(-1).value !== 'JOIN') {
        if (type === 'LEFT' || type === 'RIGHT' || type === 'FULL') this.acceptWord('OUTER');
        this.expectWord('JOIN');
      }
      const right = this.fromPrimary();
      const join: A.JoinItem = { kind: 'join', type, natural, left, right };
      if (type !== 'CROSS' && !natural) {
        if (this.acceptWord('ON')) join.on = this.expr();
        else if (this.acceptWord('USING')) join.using = this.identList();
        else if (right.kind !== 'tableFunction' && !(right.kind === 'derived' && right.lateral)) this.fail();
      }
      left = join;
    }
  }

  private fromPrimary(): A.FromItem {
    let item: A.FromItem;
    const t = this.peek();
    if (this.acceptOp('(')) {
      if (this.isWord('SELECT') || this.isWord('WITH') || this.isWord('VALUES') || this.isOp('(')) {
        const query = this.query();
        this.expectOp(')');
        item = { kind: 'derived', query, lateral: false };
      } else {
        const inner = this.joinedItem();
        this.expectOp(')');
        return inner;
      }
    } else if (this.acceptWord('LATERAL')) {
      if (this.acceptOp('(')) {
        const query = this.query();
        this.expectOp(')');
        item = { kind: 'derived', query, lateral: true };
      } else if (this.isWord('VIEW')) throw unsupported('LATERAL VIEW');
      else item = { ...this.tableFunctionCall(), lateral: true };
    } else if (this.isWord('TABLE') && this.isOp('(', 1)) {
      this.i += 2;
      item = this.isInformationSchemaFunction() ? this.informationSchemaFunction() : this.tableFunctionCall();
      this.expectOp(')');
    } else if (t.type === 'stage' || (t.type === 'string' && t.value.startsWith('@'))) {
      const stage = this.stageRef();
      item = { kind: 'stage', stage };
      if (this.acceptOp('(')) {
        const options: A.Properties = {};
        do {
          const name = this.next();
          if (name.type !== 'word') this.fail(name);
          this.expectOp('=>');
          options[name.value] = this.propertyValue();
        } while (this.acceptOp(','));
        this.expectOp(')');
        item.options = options;
      }
    } else if (this.isWord('VALUES') && this.isOp('(', 1)) {
      // FROM VALUES (…), (…) [AS t (a, b)]: an inline table (https://docs.snowflake.com/en/sql-reference/constructs/values)
      item = { kind: 'derived', query: { body: this.valuesBody() }, lateral: false };
    } else if (this.isWord('FLATTEN') && this.isOp('(', 1)) {
      item = this.tableFunctionCall();
    } else if (this.isIdentStart() && this.isOp('(', 1)) {
      // DIRECTORY(@stage) and the like: valid Snowflake that papi local does not implement.
      throw unsupported(`table function ${t.value.toUpperCase()}`);
    } else {
      item = { kind: 'table', name: this.objectName() };
      for (const w of ['AT', 'BEFORE', 'CHANGES']) if (this.isWord(w) && this.isOp('(', 1)) throw unsupported(`${w} clause`);
    }
    for (const w of ['SAMPLE', 'TABLESAMPLE', 'PIVOT', 'UNPIVOT', 'MATCH_RECOGNIZE'])
      if (this.isWord(w)) throw unsupported(w);
    const alias = this.tableAlias();
    if (alias) item.alias = alias;
    for (const w of ['SAMPLE', 'TABLESAMPLE', 'PIVOT', 'UNPIVOT', 'MATCH_RECOGNIZE'])
      if (this.isWord(w)) throw unsupported(w);
    return item;
  }

  /** `[db.]INFORMATION_SCHEMA.<function>(` ahead? */
  private isInformationSchemaFunction(): boolean {
    const schemaAt = this.isOp('.', 1) && this.isWord('INFORMATION_SCHEMA', 2) ? 2 : this.isWord('INFORMATION_SCHEMA') ? 0 : -1;
    return schemaAt >= 0 && this.isOp('.', schemaAt + 1) && this.isOp('(', schemaAt + 3);
  }

  /**
   * TABLE(INFORMATION_SCHEMA.QUERY_HISTORY_BY_SESSION()) and TABLE(INFORMATION_SCHEMA.TASK_HISTORY(…)):
   * read like an INFORMATION_SCHEMA view of that name. TASK_HISTORY takes its constant arguments
   * TASK_NAME, RESULT_LIMIT and ERROR_ONLY; any other argument (time ranges, …) is refused by name.
   */
  private informationSchemaFunction(): A.TableRef {
    const name = this.objectName();
    const fn = name.parts[name.parts.length - 1]!.name;
    const accepted = INFORMATION_SCHEMA_FUNCTIONS[fn];
    if (!accepted) throw unsupported(`table function INFORMATION_SCHEMA.${fn}`);
    this.expectOp('(');
    if (this.acceptOp(')')) return { kind: 'table', name };
    const args: Record<string, A.PropertyValue> = {};
    do {
      const arg = this.peek();
      if (arg.type !== 'word' || !this.isOp('=>', 1) || !accepted.includes(arg.value)) throw unsupported(`argument ${arg.raw.toUpperCase()} of INFORMATION_SCHEMA.${fn}`);
      this.i += 2;
      const value = this.propertyValue();
      if (value.kind !== 'string' && value.kind !== 'number' && value.kind !== 'boolean') throw unsupported(`a non-constant ${arg.value} of INFORMATION_SCHEMA.${fn}`);
      args[arg.value] = value;
    } while (this.acceptOp(','));
    this.expectOp(')');
    return { kind: 'table', name, arguments: args };
  }

  /**
   * CREATE TASK (https://docs.snowflake.com/en/sql-reference/sql/create-task): WAREHOUSE, SCHEDULE and
   * COMMENT; every other property (AFTER, WHEN, serverless sizes, CONFIG, session parameters, …) is
   * refused by name. The body (everything after AS) is kept as text and checked by parseTaskBody.
   */
  private createTask(orReplace: boolean): A.CreateTaskStatement {
    const ifNotExists = this.ifNotExists();
    const name = this.objectName();
    const stmt: A.CreateTaskStatement = { kind: 'createTask', orReplace, ifNotExists, name, definition: '' };
    while (!this.isWord('AS')) {
      const t = this.peek();
      if (t.type !== 'word') this.fail();
      if (t.value === 'WAREHOUSE' && this.isOp('=', 1)) {
        this.i += 2;
        stmt.warehouse = this.ident();
      } else if ((t.value === 'SCHEDULE' || t.value === 'COMMENT') && this.isOp('=', 1)) {
        this.i += 2;
        const text = this.stringLit();
        if (t.value === 'SCHEDULE') stmt.schedule = text;
        else stmt.comment = text;
      } else throw unsupported(`CREATE TASK … ${t.value}`);
    }
    this.expectWord('AS');
    const first = this.peek();
    if (first.type === 'eof') this.fail();
    const last = this.tokens[this.tokens.length - 2]!;
    stmt.definition = this.sql.slice(first.start, last.end);
    this.i = this.tokens.length - 1;
    return stmt;
  }

  /**
   * CREATE PROCEDURE after its keyword (https://docs.snowflake.com/en/sql-reference/sql/create-procedure):
   * JavaScript only; every other language, and the clauses papi local does not run, refused by name.
   */
  private createProcedure(orReplace: boolean): A.CreateProcedureStatement {
    const ifNotExists = this.ifNotExists();
    const name = this.objectName();
    this.expectOp('(');
    const args: A.CreateProcedureStatement['args'] = [];
    if (!this.acceptOp(')')) {
      do {
        const argName = this.ident();
        const type = this.dataType();
        if (this.isWord('DEFAULT')) throw unsupported('CREATE PROCEDURE … DEFAULT (optional arguments)');
        args.push({ name: argName, type });
      } while (this.acceptOp(','));
      this.expectOp(')');
    }
    this.expectWord('RETURNS');
    if (this.isWord('TABLE')) throw unsupported('CREATE PROCEDURE … RETURNS TABLE');
    const returns = this.dataType();
    const returnsNotNull = this.acceptWords('NOT', 'NULL');
    if (!returnsNotNull) this.acceptWord('NULL');
    let language: string | undefined;
    let executeAs: 'OWNER' | 'CALLER' = 'OWNER';
    let comment: string | undefined;
    for (;;) {
      const t = this.peek();
      if (t.type !== 'word') this.fail();
      if (this.acceptWord('LANGUAGE')) {
        language = this.next().value.toUpperCase();
        if (language !== 'JAVASCRIPT') throw unsupported(`CREATE PROCEDURE … LANGUAGE ${language === 'SQL' ? 'SQL (Snowflake Scripting)' : language}`);
      } else if (this.acceptWords('EXECUTE', 'AS')) {
        if (this.acceptWord('OWNER')) executeAs = 'OWNER';
        else if (this.acceptWord('CALLER')) executeAs = 'CALLER';
        else if (this.isWord('RESTRICTED')) throw unsupported('CREATE PROCEDURE … EXECUTE AS RESTRICTED CALLER');
        else this.fail();
      } else if (this.isWords('CALLED', 'ON', 'NULL', 'INPUT')) {
        this.i += 4; // the default
      } else if (this.isWord('STRICT') || this.isWords('RETURNS', 'NULL', 'ON', 'NULL', 'INPUT')) {
        throw unsupported('CREATE PROCEDURE … RETURNS NULL ON NULL INPUT');
      } else if (this.acceptWord('VOLATILE') || this.acceptWord('IMMUTABLE')) {
        // A hint to the optimizer; no effect on what a CALL does.
      } else if (t.value === 'COMMENT' && this.isOp('=', 1)) {
        this.i += 2;
        comment = this.stringLit();
      } else if (this.acceptWord('AS')) {
        if (language === undefined) throw unsupported('CREATE PROCEDURE … LANGUAGE SQL (Snowflake Scripting)');
        const body = this.stringLit();
        return { kind: 'createProcedure', orReplace, ifNotExists, name, args, returns, returnsNotNull, executeAs, ...(comment !== undefined ? { comment } : {}), body };
      } else throw unsupported(`CREATE PROCEDURE … ${t.value}`);
    }
  }

  /** `(type, …)`: the argument types that name one overload of a procedure. */
  private argTypeList(): A.DataType[] {
    this.expectOp('(');
    const types: A.DataType[] = [];
    if (this.acceptOp(')')) return types;
    do types.push(this.dataType());
    while (this.acceptOp(','));
    this.expectOp(')');
    return types;
  }

  private tableFunctionCall(): A.TableFunctionRef {
    const t = this.peek();
    if (t.type !== 'word') this.fail();
    this.i++;
    if (t.value !== 'FLATTEN' && t.value !== 'GENERATOR') throw unsupported(`table function ${t.value}`);
    const call = this.functionArgs(t);
    return { kind: 'tableFunction', name: t.value, args: call.args, lateral: false };
  }

  private tableAlias(): A.TableAlias | undefined {
    let name: A.Ident | undefined;
    if (this.acceptWord('AS')) name = this.ident();
    else if (this.peek().type === 'quoted' || (this.peek().type === 'word' && !NOT_ALIAS.has(this.peek().value))) name = this.ident();
    if (!name) return undefined;
    const alias: A.TableAlias = { name };
    if (this.isOp('(')) alias.columns = this.identList();
    return alias;
  }

  private orderItems(): A.OrderItem[] {
    const out: A.OrderItem[] = [];
    do {
      const item: A.OrderItem = { expr: this.expr() };
      if (this.acceptWord('ASC')) item.direction = 'ASC';
      else if (this.acceptWord('DESC')) item.direction = 'DESC';
      if (this.acceptWord('NULLS')) {
        if (this.acceptWord('FIRST')) item.nulls = 'FIRST';
        else {
          this.expectWord('LAST');
          item.nulls = 'LAST';
        }
      }
      out.push(item);
    } while (this.acceptOp(','));
    return out;
  }

  // ── expressions

  expr(): A.Expr {
    let left = this.andExpr();
    while (this.acceptWord('OR')) left = { kind: 'binary', op: 'OR', left, right: this.andExpr() };
    return left;
  }

  private andExpr(): A.Expr {
    let left = this.notExpr();
    while (this.acceptWord('AND')) left = { kind: 'binary', op: 'AND', left, right: this.notExpr() };
    return left;
  }

  private notExpr(): A.Expr {
    if (this.acceptWord('NOT')) return { kind: 'unary', op: 'NOT', operand: this.notExpr() };
    return this.comparison();
  }

  private comparison(): A.Expr {
    let left = this.additive();
    for (;;) {
      const t = this.peek();
      if (t.type === 'op' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.value)) {
        this.i++;
        if (this.isWord('ANY') || this.isWord('ALL') || this.isWord('SOME')) throw unsupported(`${this.peek().value} subquery comparison`);
        const op = (t.value === '!=' ? '<>' : t.value) as A.BinaryOp;
        left = { kind: 'binary', op, left, right: this.additive() };
        continue;
      }
      if (this.acceptWord('IS')) {
        const not = this.acceptWord('NOT');
        if (this.acceptWord('NULL')) {
          left = { kind: 'isNull', operand: left, not };
          continue;
        }
        if (this.isWord('DISTINCT')) throw unsupported('IS DISTINCT FROM');
        this.fail();
      }
      const not = this.isWord('NOT') && ['IN', 'BETWEEN', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP'].includes(this.peek(1).value);
      if (not) this.i++;
      if (this.acceptWord('IN')) {
        this.expectOp('(');
        if (this.isWord('SELECT') || this.isWord('WITH')) {
          const query = this.query();
          this.expectOp(')');
          left = { kind: 'inSubquery', operand: left, query, not };
        } else {
          const list = [this.expr()];
          while (this.acceptOp(',')) list.push(this.expr());
          this.expectOp(')');
          left = { kind: 'inList', operand: left, list, not };
        }
        continue;
      }
      if (this.acceptWord('BETWEEN')) {
        const low = this.additive();
        this.expectWord('AND');
        left = { kind: 'between', operand: left, low, high: this.additive(), not };
        continue;
      }
      const likeOp = ['LIKE', 'ILIKE', 'RLIKE', 'REGEXP'].find((w) => this.isWord(w));
      if (likeOp) {
        this.i++;
        if (this.isWord('ANY') || this.isWord('ALL')) throw unsupported(`${likeOp} ${this.peek().value}`);
        const like: A.LikeExpr = { kind: 'like', op: likeOp === 'REGEXP' ? 'RLIKE' : (likeOp as A.LikeExpr['op']), operand: left, pattern: this.additive(), not };
        if (this.acceptWord('ESCAPE')) like.escape = this.additive();
        left = like;
        continue;
      }
      if (not) this.fail();
      return left;
    }
  }

  private additive(): A.Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.type === 'op' && (t.value === '+' || t.value === '-' || t.value === '||')) {
        this.i++;
        left = { kind: 'binary', op: t.value, left, right: this.multiplicative() };
      } else return left;
    }
  }

  private multiplicative(): A.Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.type === 'op' && (t.value === '*' || t.value === '/' || t.value === '%')) {
        this.i++;
        left = { kind: 'binary', op: t.value, left, right: this.unary() };
      } else return left;
    }
  }

  private unary(): A.Expr {
    const t = this.peek();
    if (t.type === 'op' && (t.value === '-' || t.value === '+')) {
      this.i++;
      return { kind: 'unary', op: t.value, operand: this.unary() };
    }
    return this.postfix();
  }

  private postfix(): A.Expr {
    let e = this.primary();
    for (;;) {
      if (this.acceptOp('::')) {
        e = { kind: 'cast', style: '::', operand: e, type: this.dataType() };
      } else if (this.isOp(':') && this.peek(1).type !== 'number') {
        this.i++;
        e = this.appendPath(e, { kind: 'field', name: this.pathField() });
      } else if (this.acceptOp('[')) {
        const idx = this.expr();
        this.expectOp(']');
        e = this.appendPath(e, { kind: 'index', expr: idx });
      } else if (e.kind === 'path' && this.isOp('.')) {
        this.i++;
        e = this.appendPath(e, { kind: 'field', name: this.pathField() });
      } else return e;
    }
  }

  private appendPath(e: A.Expr, step: A.PathStep): A.Expr {
    if (e.kind === 'path') return { ...e, steps: [...e.steps, step] };
    return { kind: 'path', operand: e, steps: [step] };
  }

  /** A path key keeps the case it was written in. */
  private pathField(): string {
    const t = this.next();
    if (t.type === 'word') return t.raw;
    if (t.type === 'quoted') return t.value;
    return this.fail(t);
  }

  private primary(): A.Expr {
    const t = this.peek();
    switch (t.type) {
      case 'number':
        this.i++;
        return { kind: 'number', text: t.value };
      case 'string':
        this.i++;
        return { kind: 'string', value: t.value };
      case 'positional': {
        this.i++;
        return { kind: 'positional', index: Number(t.value) };
      }
      case 'quoted':
        return this.nameOrCall();
      case 'op':
        if (t.value === '?') {
          this.i++;
          return { kind: 'bind', index: ++this.bindCount, pos: this.pos(t) };
        }
        if (t.value === ':' && this.peek(1).type === 'number') {
          this.i += 2;
          return { kind: 'bind', index: Number(this.peek(-1).value), pos: this.pos(t) };
        }
        if (t.value === '(') {
          this.i++;
          if (this.isWord('SELECT') || this.isWord('WITH')) {
            const query = this.query();
            this.expectOp(')');
            return { kind: 'subquery', query };
          }
          const e = this.expr();
          if (this.isOp(',')) throw unsupported('row constructor');
          this.expectOp(')');
          return e;
        }
        if (t.value === '[') {
          this.i++;
          const items: A.Expr[] = [];
          if (!this.isOp(']')) {
            do items.push(this.expr());
            while (this.acceptOp(','));
          }
          this.expectOp(']');
          return { kind: 'array', items };
        }
        if (t.value === '{') {
          this.i++;
          const entries: A.ObjectLiteral['entries'] = [];
          if (!this.isOp('}')) {
            do {
              const key = this.stringLit();
              this.expectOp(':');
              entries.push({ key, value: this.expr() });
            } while (this.acceptOp(','));
          }
          this.expectOp('}');
          return { kind: 'object', entries };
        }
        if (t.value === '*') {
          this.i++;
          return { kind: 'star' };
        }
        return this.fail();
      case 'word':
        return this.wordPrimary(t);
      default:
        return this.fail();
    }
  }

  private wordPrimary(t: Token): A.Expr {
    switch (t.value) {
      case 'TRUE':
      case 'FALSE':
        this.i++;
        return { kind: 'boolean', value: t.value === 'TRUE' };
      case 'NULL':
        this.i++;
        return { kind: 'null' };
      case 'CASE':
        return this.caseExpr();
      case 'CAST':
      case 'TRY_CAST': {
        this.i++;
        this.expectOp('(');
        const operand = this.expr();
        this.expectWord('AS');
        const type = this.dataType();
        this.expectOp(')');
        return { kind: 'cast', style: t.value, operand, type };
      }
      case 'EXISTS': {
        this.i++;
        this.expectOp('(');
        const query = this.query();
        this.expectOp(')');
        return { kind: 'exists', query, not: false };
      }
      case 'INTERVAL':
        if (this.peek(1).type === 'string') {
          this.i += 2;
          return { kind: 'interval', value: this.peek(-1).value };
        }
        break;
    }
    if (NO_PAREN_FUNCTIONS.has(t.value) && !this.isOp('(', 1)) {
      this.i++;
      return { kind: 'function', name: t.value, args: [], distinct: false, system: false, noParens: true, pos: this.pos(t) };
    }
    if (this.isOp('(', 1)) {
      if (['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'AS', 'ON', 'JOIN', 'BY'].includes(t.value)) this.fail();
      this.i++;
      return this.functionRest(t);
    }
    return this.nameOrCall();
  }

  /** A column reference `a.b.c`, `t.*`, or a qualified function call `db.s.fn(…)`. */
  private nameOrCall(): A.Expr {
    const first = this.peek();
    const parts = [this.ident()];
    while (this.isOp('.')) {
      if (this.isOp('*', 1)) {
        this.i += 2;
        return { kind: 'star', qualifier: parts };
      }
      if (this.peek(1).type === 'positional') {
        this.i += 2;
        if (parts.length !== 1) this.fail(this.peek(-1));
        return { kind: 'positional', index: Number(this.peek(-1).value), qualifier: parts[0] };
      }
      this.i++;
      parts.push(this.ident());
    }
    if (this.isOp('(') && parts.length > 1) {
      const nameTok = this.peek(-1);
      const call = this.functionRest(nameTok) as A.FunctionCall;
      call.qualifier = parts.slice(0, -1);
      return call;
    }
    if (parts.length > 4) this.fail(first);
    return { kind: 'column', parts, pos: this.pos(first) };
  }

  private caseExpr(): A.Expr {
    this.expectWord('CASE');
    const c: A.CaseExpr = { kind: 'case', whens: [] };
    if (!this.isWord('WHEN')) c.operand = this.expr();
    while (this.acceptWord('WHEN')) {
      const when = this.expr();
      this.expectWord('THEN');
      c.whens.push({ when, then: this.expr() });
    }
    if (c.whens.length === 0) this.fail();
    if (this.acceptWord('ELSE')) c.else = this.expr();
    this.expectWord('END');
    return c;
  }

  /** After the function name: arguments, WITHIN GROUP, IGNORE/RESPECT NULLS, OVER. */
  private functionRest(nameTok: Token): A.Expr {
    const call = this.functionArgs(nameTok);
    if (this.acceptWords('WITHIN', 'GROUP')) {
      this.expectOp('(');
      this.expectWord('ORDER', 'BY');
      call.withinGroup = this.orderItems();
      this.expectOp(')');
    }
    if (this.acceptWords('IGNORE', 'NULLS')) call.nulls = 'IGNORE';
    else if (this.acceptWords('RESPECT', 'NULLS')) call.nulls = 'RESPECT';
    if (this.acceptWord('OVER')) {
      if (!this.isOp('(')) throw unsupported('named window');
      call.over = this.windowSpec();
    }
    return call;
  }

  private functionArgs(nameTok: Token): A.FunctionCall {
    const name = nameTok.value;
    const call: A.FunctionCall = {
      kind: 'function',
      name,
      args: [],
      distinct: false,
      system: name.startsWith('SYSTEM$'),
      pos: this.pos(nameTok),
    };
    this.expectOp('(');
    if (name === 'EXTRACT' || name === 'DATE_PART') {
      if (this.peek().type === 'word' && this.isWord('FROM', 1)) {
        const part = this.ident();
        this.expectWord('FROM');
        call.args = [{ value: { kind: 'column', parts: [part] } }, { value: this.expr() }];
        this.expectOp(')');
        return call;
      }
    }
    if (this.acceptOp(')')) return call;
    if (this.acceptWord('DISTINCT')) call.distinct = true;
    else this.acceptWord('ALL');
    if (this.isOp('*') && (this.isOp(')', 1) || this.isWord('EXCLUDE', 1))) {
      this.i++;
      call.args.push({ value: { kind: 'star' } });
    } else {
      do {
        if ((this.peek().type === 'word' || this.peek().type === 'quoted') && this.isOp('=>', 1)) {
          const argName = this.next().value.toUpperCase();
          this.i++;
          call.args.push({ name: argName, value: this.expr() });
        } else call.args.push({ value: this.expr() });
      } while (this.acceptOp(','));
    }
    if (this.isWords('IGNORE', 'NULLS')) {
      this.i += 2;
      call.nulls = 'IGNORE';
    }
    if (this.isWord('ORDER')) throw unsupported(`ORDER BY inside ${name}()`);
    this.expectOp(')');
    return call;
  }

  private windowSpec(): A.WindowSpec {
    this.expectOp('(');
    const spec: A.WindowSpec = { partitionBy: [], orderBy: [] };
    if (this.acceptWords('PARTITION', 'BY')) {
      do spec.partitionBy.push(this.expr());
      while (this.acceptOp(','));
    }
    if (this.acceptWords('ORDER', 'BY')) spec.orderBy = this.orderItems();
    if (this.isWord('ROWS') || this.isWord('RANGE')) {
      const unit = this.next().value as 'ROWS' | 'RANGE';
      if (this.acceptWord('BETWEEN')) {
        const start = this.frameBound();
        this.expectWord('AND');
        spec.frame = { unit, start, end: this.frameBound() };
      } else spec.frame = { unit, start: this.frameBound() };
    }
    this.expectOp(')');
    return spec;
  }

  private frameBound(): A.FrameBound {
    if (this.acceptWords('UNBOUNDED', 'PRECEDING')) return { kind: 'unboundedPreceding' };
    if (this.acceptWords('UNBOUNDED', 'FOLLOWING')) return { kind: 'unboundedFollowing' };
    if (this.acceptWords('CURRENT', 'ROW')) return { kind: 'currentRow' };
    const offset = this.additive();
    if (this.acceptWord('PRECEDING')) return { kind: 'preceding', offset };
    this.expectWord('FOLLOWING');
    return { kind: 'following', offset };
  }

  wholeDataType(): A.DataType {
    const type = this.dataType();
    if (this.peek().type !== 'eof') this.fail();
    return type;
  }

  dataType(): A.DataType {
    const t = this.peek();
    if (t.type !== 'word') this.fail();
    if (UNSUPPORTED_TYPES.has(t.value)) throw unsupported(`data type ${t.value}`);
    if (!DATA_TYPES.has(t.value)) this.fail();
    this.i++;
    let name = t.value;
    if (name === 'DOUBLE') this.acceptWord('PRECISION');
    if ((name === 'CHAR' || name === 'CHARACTER') && this.acceptWord('VARYING')) name = 'VARCHAR';
    if (name === 'MAP' || ((name === 'ARRAY' || name === 'OBJECT') && this.isOp('(') && this.peek(1).type !== 'number')) return this.structuredType(name);
    const args: number[] = [];
    if (this.isOp('(')) {
      this.i++;
      args.push(this.integer());
      while (this.acceptOp(',')) args.push(this.integer());
      this.expectOp(')');
    }
    return { name, args };
  }

  /** OBJECT(k T [NOT NULL], …), ARRAY(T [NOT NULL]) or MAP(K, V [NOT NULL]); the opening word is read. */
  private structuredType(name: string): A.DataType {
    this.expectOp('(');
    const inner = (): A.DataType => {
      const type = this.dataType();
      return this.acceptWords('NOT', 'NULL') ? { ...type, notNull: true } : type;
    };
    let type: A.DataType;
    if (name === 'OBJECT') {
      const fields: A.StructuredField[] = [];
      while (!this.isOp(')')) {
        if (fields.length) this.expectOp(',');
        // A key keeps its case as written, quoted or not; any word (DATE, STRING, …) can be a key.
        const t = this.peek();
        if (t.type !== 'word' && t.type !== 'quoted') this.fail();
        this.i++;
        const key = t.type === 'quoted' ? t.value : t.raw;
        if (fields.some((f) => f.name === key)) throw new SqlError('001003', '42000', `SQL compilation error:\nduplicate key '${key}' in OBJECT type`); // number unverified
        fields.push({ name: key, type: inner() });
      }
      type = { name, args: [], fields };
    } else if (name === 'ARRAY') {
      type = { name, args: [], element: inner() };
    } else {
      const key = this.dataType();
      this.expectOp(',');
      type = { name, args: [], key, value: inner() };
    }
    this.expectOp(')');
    return type;
  }

  // ── option lists (`NAME = value …`)

  /** Reads `NAME = value` pairs (optionally comma-separated) while the next tokens look like one. */
  private properties(into: A.Properties = {}, allowComma = false): A.Properties {
    for (;;) {
      if (allowComma && this.isOp(',') && this.peek(1).type === 'word' && this.isOp('=', 2)) this.i++;
      const t = this.peek();
      if (t.type !== 'word' || !this.isOp('=', 1)) return into;
      this.i += 2;
      if (t.value in into) this.fail(t);
      into[t.value] = this.propertyValue();
    }
  }

  private propertyValue(): A.PropertyValue {
    const t = this.peek();
    if (t.type === 'string') {
      this.i++;
      return { kind: 'string', value: t.value };
    }
    if (t.type === 'number' || (t.type === 'op' && t.value === '-' && this.peek(1).type === 'number')) {
      const negative = this.acceptOp('-');
      const n = this.next();
      const text = (negative ? '-' : '') + n.value;
      return { kind: 'number', value: Number(text), text };
    }
    if (this.acceptWord('TRUE')) return { kind: 'boolean', value: true };
    if (this.acceptWord('FALSE')) return { kind: 'boolean', value: false };
    if (this.acceptWord('NULL')) return { kind: 'null' };
    if (this.acceptOp('(')) {
      if (this.peek().type === 'word' && this.isOp('=', 1)) {
        const properties = this.properties({}, true);
        this.expectOp(')');
        return { kind: 'options', properties };
      }
      const items: A.PropertyValue[] = [];
      if (!this.isOp(')')) {
        do items.push(this.propertyValue());
        while (this.acceptOp(','));
      }
      this.expectOp(')');
      return { kind: 'list', items };
    }
    if (t.type === 'word' || t.type === 'quoted') {
      const pos = this.pos();
      const parts: A.Ident[] = [];
      do {
        const p = this.next();
        if (p.type !== 'word' && p.type !== 'quoted') this.fail(p);
        parts.push({ name: p.value, quoted: p.type === 'quoted' });
      } while (this.acceptOp('.'));
      return { kind: 'identifier', name: { parts, pos } };
    }
    return this.fail();
  }

  /** Moves COMMENT = '…' out of an option list (it must be a string, as in Snowflake). */
  private takeComment(props: A.Properties): string | undefined {
    const c = props.COMMENT;
    if (!c) return undefined;
    delete props.COMMENT;
    if (c.kind !== 'string') throw new SqlError(ErrorCode.syntax, '42000', 'SQL compilation error:\nCOMMENT must be a string literal.');
    return c.value;
  }

  private unsetNames(): string[] {
    const names: string[] = [];
    do {
      const t = this.next();
      if (t.type !== 'word') this.fail(t);
      names.push(t.value);
    } while (this.acceptOp(','));
    return names;
  }

  private alterObjectAction(): A.AlterObjectAction | undefined {
    if (this.acceptWord('SET')) {
      const properties = this.properties({}, true);
      if (Object.keys(properties).length === 0) this.fail();
      return { kind: 'set', properties };
    }
    if (this.acceptWord('UNSET')) return { kind: 'unset', names: this.unsetNames() };
    if (this.acceptWords('RENAME', 'TO')) return { kind: 'renameTo', newName: this.objectName() };
    return undefined;
  }

  // ── DML

  private insert(): A.Statement {
    this.expectWord('INSERT');
    const overwrite = this.acceptWord('OVERWRITE');
    if (this.isWord('FIRST') || (this.isWord('ALL') && this.isWord('WHEN', 1))) throw unsupported('conditional multi-table INSERT');
    if (this.acceptWord('ALL')) return this.insertAll(overwrite);
    this.expectWord('INTO');
    const table = this.objectName();
    const stmt: A.InsertStatement = { kind: 'insert', overwrite, table, source: { kind: 'values', rows: [] } };
    if (this.isOp('(') && !this.isWord('SELECT', 1) && !this.isWord('WITH', 1)) stmt.columns = this.identList();
    if (this.isWord('VALUES')) {
      const body = this.valuesBody();
      stmt.source = { kind: 'values', rows: body.rows };
      if (this.isWord('ORDER') || this.isWord('UNION')) this.fail();
    } else stmt.source = { kind: 'query', query: this.query() };
    return stmt;
  }

  private insertAll(overwrite: boolean): A.Statement {
    const targets: A.InsertAllStatement['targets'] = [];
    while (this.acceptWord('INTO')) {
      const target: A.InsertAllStatement['targets'][number] = { table: this.objectName() };
      if (this.isOp('(') && !this.isWord('SELECT', 1) && !this.isWord('WITH', 1)) target.columns = this.identList();
      if (this.acceptWord('VALUES')) {
        this.expectOp('(');
        const values = [this.expr()];
        while (this.acceptOp(',')) values.push(this.expr());
        this.expectOp(')');
        target.values = values;
      }
      targets.push(target);
    }
    if (targets.length === 0) return this.fail();
    return { kind: 'insertAll', overwrite, targets, query: this.query() };
  }

  private update(): A.Statement {
    this.expectWord('UPDATE');
    const table = this.objectName();
    const stmt: A.UpdateStatement = { kind: 'update', table, set: [] };
    if (this.acceptWord('AS') || (this.isIdentStart() && !this.isWord('SET'))) stmt.alias = this.ident();
    this.expectWord('SET');
    do {
      const column = this.ident();
      this.expectOp('=');
      stmt.set.push({ column, value: this.expr() });
    } while (this.acceptOp(','));
    if (this.acceptWord('FROM')) stmt.from = this.fromList();
    if (this.acceptWord('WHERE')) stmt.where = this.expr();
    return stmt;
  }

  private delete(): A.Statement {
    this.expectWord('DELETE', 'FROM');
    const table = this.objectName();
    const stmt: A.DeleteStatement = { kind: 'delete', table };
    if (this.acceptWord('AS') || (this.isIdentStart() && !this.isWord('USING') && !this.isWord('WHERE'))) stmt.alias = this.ident();
    if (this.acceptWord('USING')) stmt.using = this.fromList();
    if (this.acceptWord('WHERE')) stmt.where = this.expr();
    return stmt;
  }

  private truncate(): A.Statement {
    this.expectWord('TRUNCATE');
    this.acceptWord('TABLE');
    const ifExists = this.ifExists();
    return { kind: 'truncate', table: this.objectName(), ifExists };
  }

  private merge(): A.Statement {
    this.expectWord('MERGE', 'INTO');
    const table = this.objectName();
    const stmt: A.MergeStatement = { kind: 'merge', table, source: { kind: 'table', name: table }, on: { kind: 'null' }, matched: [], notMatched: [] };
    if (this.acceptWord('AS') || (this.isIdentStart() && !this.isWord('USING'))) stmt.alias = this.ident();
    this.expectWord('USING');
    stmt.source = this.fromPrimary();
    this.expectWord('ON');
    stmt.on = this.expr();
    while (this.acceptWord('WHEN')) {
      const notMatched = this.acceptWord('NOT');
      this.expectWord('MATCHED');
      const condition = this.acceptWord('AND') ? this.expr() : undefined;
      this.expectWord('THEN');
      let clause: A.MergeClause;
      if (!notMatched && this.acceptWord('UPDATE')) {
        this.expectWord('SET');
        const set: Array<{ column: A.Ident; value: A.Expr }> = [];
        do {
          const column = this.ident();
          this.expectOp('=');
          set.push({ column, value: this.expr() });
        } while (this.acceptOp(','));
        clause = { kind: 'update', condition, set };
      } else if (!notMatched && this.acceptWord('DELETE')) clause = { kind: 'delete', condition };
      else if (notMatched && this.acceptWord('INSERT')) {
        const columns = this.isOp('(') ? this.identList() : undefined;
        this.expectWord('VALUES');
        this.expectOp('(');
        const values = [this.expr()];
        while (this.acceptOp(',')) values.push(this.expr());
        this.expectOp(')');
        clause = { kind: 'insert', condition, columns, values };
      } else return this.fail();
      (notMatched ? stmt.notMatched : stmt.matched).push(clause);
    }
    return stmt;
  }

  // ── CREATE

  private create(): A.Statement {
    this.expectWord('CREATE');
    const orReplace = this.acceptWords('OR', 'REPLACE');
    let modifier: 'TRANSIENT' | 'TEMPORARY' | 'HYBRID' | 'SECURE' | undefined;
    if (this.acceptWord('LOCAL') || this.acceptWord('GLOBAL')) modifier = 'TEMPORARY';
    if (this.acceptWord('TEMPORARY') || this.acceptWord('TEMP') || this.acceptWord('VOLATILE')) modifier = 'TEMPORARY';
    else if (this.acceptWord('TRANSIENT')) modifier = 'TRANSIENT';
    else if (this.acceptWord('HYBRID')) modifier = 'HYBRID';
    else if (this.acceptWord('SECURE')) modifier = 'SECURE';
    const recursive = this.acceptWord('RECURSIVE');
    const t = this.peek();
    if (t.type !== 'word') this.fail();
    const onlyFor = (...allowed: Array<string | undefined>) => {
      if (!allowed.includes(modifier)) this.fail(t);
    };
    if (recursive && !this.isWord('VIEW')) this.fail();
    if (this.acceptWord('TABLE')) {
      onlyFor(undefined, 'TRANSIENT', 'TEMPORARY', 'HYBRID');
      return this.createTable(orReplace, modifier === 'SECURE' || !modifier ? 'PERMANENT' : modifier);
    }
    if (this.acceptWord('VIEW')) {
      onlyFor(undefined, 'SECURE', 'TEMPORARY');
      if (recursive) throw unsupported('RECURSIVE VIEW');
      return this.createView(orReplace, modifier === 'SECURE', modifier === 'TEMPORARY');
    }
    if (this.acceptWord('DATABASE')) {
      onlyFor(undefined, 'TRANSIENT');
      const ifNotExists = this.ifNotExists();
      const name = this.objectName();
      if (name.parts.length !== 1) this.fail();
      if (this.isWord('CLONE') || this.isWords('FROM', 'SHARE')) throw unsupported(`CREATE DATABASE ${this.peek().value}`);
      const properties = this.properties({}, true);
      return { kind: 'createDatabase', orReplace, ifNotExists, transient: modifier === 'TRANSIENT', name, comment: this.takeComment(properties), properties };
    }
    if (this.acceptWord('SCHEMA')) {
      onlyFor(undefined, 'TRANSIENT');
      const ifNotExists = this.ifNotExists();
      const name = this.objectName();
      if (name.parts.length > 2) this.fail();
      if (this.isWord('CLONE')) throw unsupported('CREATE SCHEMA CLONE');
      const managedAccess = this.acceptWords('WITH', 'MANAGED', 'ACCESS');
      const properties = this.properties({}, true);
      return { kind: 'createSchema', orReplace, ifNotExists, transient: modifier === 'TRANSIENT', managedAccess, name, comment: this.takeComment(properties), properties };
    }
    if (this.isWord('PROCEDURE') && modifier === 'SECURE') throw unsupported('CREATE SECURE PROCEDURE');
    onlyFor(undefined, ...(this.isWord('STAGE') || this.isWords('FILE', 'FORMAT') ? ['TEMPORARY'] : []));
    if (this.acceptWord('TASK')) return this.createTask(orReplace);
    if (this.acceptWord('PROCEDURE')) return this.createProcedure(orReplace);
    if (this.acceptWord('ROLE')) {
      const ifNotExists = this.ifNotExists();
      const name = this.objectName();
      if (name.parts.length !== 1) this.fail();
      const properties = this.properties({}, true);
      const comment = this.takeComment(properties);
      if (Object.keys(properties).length > 0) this.fail();
      return { kind: 'createRole', orReplace, ifNotExists, name, comment };
    }
    if (this.acceptWord('USER')) {
      const ifNotExists = this.ifNotExists();
      const name = this.singleName();
      return { kind: 'createUser', orReplace, ifNotExists, name, properties: this.properties({}, true) };
    }
    if (this.acceptWord('WAREHOUSE')) {
      const ifNotExists = this.ifNotExists();
      const name = this.singleName();
      this.acceptWord('WITH');
      return { kind: 'createWarehouse', orReplace, ifNotExists, name, properties: this.properties({}, true) };
    }
    if (this.acceptWord('STAGE')) {
      const ifNotExists = this.ifNotExists();
      const name = this.objectName();
      return { kind: 'createStage', orReplace, ifNotExists, temporary: modifier === 'TEMPORARY', name, properties: this.properties() };
    }
    if (this.acceptWords('FILE', 'FORMAT')) {
      const ifNotExists = this.ifNotExists();
      const name = this.objectName();
      return { kind: 'createFileFormat', orReplace, ifNotExists, temporary: modifier === 'TEMPORARY', name, properties: this.properties({}, true) };
    }
    if (this.acceptWords('IMAGE', 'REPOSITORY')) {
      const ifNotExists = this.ifNotExists();
      const name = this.objectName();
      return { kind: 'createImageRepository', orReplace, ifNotExists, name, properties: this.properties() };
    }
    if (this.acceptWords('SECURITY', 'INTEGRATION')) {
      const ifNotExists = this.ifNotExists();
      const name = this.singleName();
      return { kind: 'createSecurityIntegration', orReplace, ifNotExists, name, properties: this.properties() };
    }
    if (this.acceptWords('COMPUTE', 'POOL')) {
      const ifNotExists = this.ifNotExists();
      const name = this.singleName();
      if (this.isWords('FOR', 'APPLICATION')) throw unsupported('COMPUTE POOL FOR APPLICATION');
      return { kind: 'createComputePool', orReplace, ifNotExists, name, properties: this.properties() };
    }
    if (this.acceptWord('SERVICE')) {
      const ifNotExists = this.ifNotExists();
      const name = this.objectName();
      this.expectWord('IN', 'COMPUTE', 'POOL');
      const computePool = this.singleName();
      const specification = this.serviceSpec();
      return { kind: 'createService', orReplace, ifNotExists, name, computePool, specification, properties: this.properties() };
    }
    const known = ['FUNCTION', 'PROCEDURE', 'SEQUENCE', 'TASK', 'STREAM', 'PIPE', 'SHARE', 'INTEGRATION', 'EXTERNAL', 'NETWORK', 'SECRET', 'MATERIALIZED', 'DYNAMIC', 'ICEBERG', 'TAG', 'ALERT', 'NOTEBOOK', 'API', 'APPLICATION', 'MASKING', 'ROW', 'JOB'];
    if (known.includes(t.value)) throw unsupported(`CREATE ${t.value}`);
    return this.fail();
  }

  /** Account-level objects (users, warehouses, compute pools) have one-part names. */
  private singleName(): A.ObjectName {
    const t = this.peek();
    const name = this.objectName();
    if (name.parts.length !== 1) this.fail(t);
    return name;
  }

  private serviceSpec(): A.ServiceSpecSource {
    this.expectWord('FROM');
    const t = this.peek();
    if (t.type === 'stage') {
      const stage = this.stageRef();
      this.expectWord('SPECIFICATION_FILE');
      this.expectOp('=');
      return { kind: 'file', stage, file: this.stringLit() };
    }
    if (this.acceptWord('SPECIFICATION_TEMPLATE')) {
      const text = this.stringLit();
      this.expectWord('USING');
      this.expectOp('(');
      const using: A.Properties = {};
      do {
        const k = this.next();
        if (k.type !== 'word') this.fail(k);
        this.expectOp('=>');
        using[k.value] = this.propertyValue();
      } while (this.acceptOp(','));
      this.expectOp(')');
      return { kind: 'template', text, using };
    }
    this.expectWord('SPECIFICATION');
    return { kind: 'inline', text: this.stringLit() };
  }

  private createTable(orReplace: boolean, tableType: A.CreateTableStatement['tableType']): A.Statement {
    const ifNotExists = this.ifNotExists();
    const name = this.objectName();
    const stmt: A.CreateTableStatement = { kind: 'createTable', orReplace, ifNotExists, tableType, name, columns: [], constraints: [], indexes: [], properties: {} };
    if (this.acceptWord('LIKE')) {
      stmt.like = this.objectName();
      return stmt;
    }
    if (this.acceptWord('CLONE')) {
      stmt.clone = this.objectName();
      if (this.isWord('AT') || this.isWord('BEFORE')) throw unsupported('CLONE AT');
      return stmt;
    }
    if (this.isOp('(')) this.tableElements(stmt);
    for (;;) {
      if (this.acceptWords('CLUSTER', 'BY')) {
        this.expectOp('(');
        const keys = [this.expr()];
        while (this.acceptOp(',')) keys.push(this.expr());
        this.expectOp(')');
        stmt.properties['CLUSTER BY'] = { kind: 'list', items: [] };
        continue;
      }
      if (this.acceptWords('COPY', 'GRANTS')) {
        stmt.properties.COPY_GRANTS = { kind: 'boolean', value: true };
        continue;
      }
      if (this.isWord('WITH') && (this.isWord('TAG', 1) || this.isWords('WITH', 'ROW', 'ACCESS'))) throw unsupported(`CREATE TABLE WITH ${this.peek(1).value}`);
      const before = Object.keys(stmt.properties).length;
      this.properties(stmt.properties, true);
      if (Object.keys(stmt.properties).length === before) break;
    }
    stmt.comment = this.takeComment(stmt.properties);
    if (this.acceptWord('AS')) stmt.as = this.query();
    if (stmt.columns.length === 0 && !stmt.as) this.fail();
    if (stmt.columnNames && !stmt.as) this.fail();
    return stmt;
  }

  private tableElements(stmt: A.CreateTableStatement): void {
    this.expectOp('(');
    // CTAS may list bare column names: CREATE TABLE t (a, b) AS SELECT …
    if (this.isIdentStart() && (this.isOp(',', 1) || this.isOp(')', 1))) {
      stmt.columnNames = [this.ident()];
      while (this.acceptOp(',')) stmt.columnNames.push(this.ident());
      this.expectOp(')');
      return;
    }
    do {
      const constraintName = this.acceptWord('CONSTRAINT') ? this.ident() : undefined;
      if (this.acceptWords('PRIMARY', 'KEY')) stmt.constraints.push({ type: 'PRIMARY KEY', name: constraintName, columns: this.identList() });
      else if (this.acceptWord('UNIQUE')) stmt.constraints.push({ type: 'UNIQUE', name: constraintName, columns: this.identList() });
      else if (this.acceptWords('FOREIGN', 'KEY')) {
        const columns = this.identList();
        this.expectWord('REFERENCES');
        const table = this.objectName();
        const refColumns = this.isOp('(') ? this.identList() : [];
        stmt.constraints.push({ type: 'FOREIGN KEY', name: constraintName, columns, references: { table, columns: refColumns } });
      } else if (!constraintName && this.isWord('INDEX')) {
        this.i++;
        const index: A.IndexDef = { name: this.ident(), columns: this.identList() };
        if (this.acceptWord('INCLUDE')) index.include = this.identList();
        stmt.indexes.push(index);
      } else if (!constraintName) stmt.columns.push(this.columnDef(stmt));
      else this.fail();
    } while (this.acceptOp(','));
    this.expectOp(')');
  }

  private columnDef(stmt?: A.CreateTableStatement): A.ColumnDef {
    const col: A.ColumnDef = { name: this.ident(), type: this.dataType(), notNull: false, primaryKey: false, unique: false };
    for (;;) {
      if (this.acceptWords('NOT', 'NULL')) col.notNull = true;
      else if (this.acceptWord('NULL')) col.notNull = false;
      else if (this.acceptWord('DEFAULT')) col.default = this.expr();
      else if (this.acceptWord('COLLATE')) col.collate = this.stringLit();
      else if (this.acceptWord('COMMENT')) col.comment = this.stringLit();
      else if (this.acceptWords('PRIMARY', 'KEY')) col.primaryKey = true;
      else if (this.acceptWord('UNIQUE')) col.unique = true;
      else if (this.acceptWord('CONSTRAINT')) this.ident();
      else if (this.acceptWord('AUTOINCREMENT') || this.acceptWord('IDENTITY')) {
        col.identity = { start: 1, step: 1 };
        if (this.acceptOp('(')) {
          col.identity.start = this.integer();
          this.expectOp(',');
          col.identity.step = this.integer();
          this.expectOp(')');
        } else if (this.acceptWord('START')) {
          col.identity.start = this.integer();
          this.expectWord('INCREMENT');
          col.identity.step = this.integer();
        }
        if (this.acceptWord('ORDER') || this.acceptWord('NOORDER')) continue;
      } else if (this.acceptWord('REFERENCES')) {
        const table = this.objectName();
        const columns = this.isOp('(') ? this.identList() : [];
        stmt?.constraints.push({ type: 'FOREIGN KEY', columns: [col.name], references: { table, columns } });
      } else if (this.isWord('WITH') || this.isWord('MASKING') || this.isWord('AS')) {
        if (this.isWord('AS') && stmt) return col;
        throw unsupported(`column ${this.peek(this.isWord('WITH') ? 1 : 0).value}`);
      } else return col;
    }
  }

  private createView(orReplace: boolean, secure: boolean, temporary: boolean): A.Statement {
    const ifNotExists = this.ifNotExists();
    const name = this.objectName();
    const columns = this.isOp('(') ? this.identList() : undefined;
    const properties = this.properties({}, true);
    const copyGrants = this.acceptWords('COPY', 'GRANTS');
    const comment = this.takeComment(properties);
    this.expectWord('AS');
    const start = this.peek().start;
    const query = this.query();
    return { kind: 'createView', orReplace, ifNotExists, secure, temporary, name, columns, comment, ...(copyGrants ? { copyGrants } : {}), query, queryText: this.sql.slice(start, this.prevEnd) };
  }

  // ── ALTER

  private alter(): A.Statement {
    this.expectWord('ALTER');
    if (this.acceptWord('TASK')) {
      const ifExists = this.ifExists();
      const name = this.objectName();
      if (this.acceptWord('RESUME')) return { kind: 'alterTask', ifExists, name, action: 'RESUME' };
      if (this.acceptWord('SUSPEND')) return { kind: 'alterTask', ifExists, name, action: 'SUSPEND' };
      const t = this.peek();
      throw unsupported(`ALTER TASK … ${t.type === 'eof' ? '' : t.raw.toUpperCase()}`.trim());
    }
    if (this.acceptWord('SESSION')) {
      if (this.acceptWord('SET')) {
        const properties = this.properties({}, true);
        if (Object.keys(properties).length === 0) this.fail();
        return { kind: 'alterSession', action: { kind: 'set', properties } };
      }
      this.expectWord('UNSET');
      return { kind: 'alterSession', action: { kind: 'unset', names: this.unsetNames() } };
    }
    if (this.acceptWord('TABLE') || this.acceptWords('HYBRID', 'TABLE')) {
      const ifExists = this.ifExists();
      const name = this.objectName();
      return { kind: 'alterTable', ifExists, name, action: this.alterTableAction() };
    }
    if (this.isWord('DATABASE') || this.isWord('SCHEMA')) {
      const kind = this.next().value === 'DATABASE' ? 'alterDatabase' : 'alterSchema';
      const ifExists = this.ifExists();
      const name = this.objectName();
      let action: A.AlterContainerAction | undefined;
      if (this.acceptWords('SWAP', 'WITH')) action = { kind: 'swapWith', target: this.objectName() };
      else action = this.alterObjectAction();
      if (!action) this.fail();
      return { kind, ifExists, name, action };
    }
    if (this.acceptWord('USER')) {
      const ifExists = this.ifExists();
      // The user name is optional before ADD/REMOVE … PAT (the session's user).
      const user = this.isTokenClause() ? undefined : this.singleName();
      if (this.isTokenClause()) return { kind: 'alterUserToken', ifExists, ...(user ? { user } : {}), action: this.userTokenAction() };
      const name = user!;
      if (this.isWord('RESET') || this.isWord('ADD') || this.isWord('REMOVE') || this.isWord('MODIFY') || this.isWord('ROTATE')) throw unsupported(`ALTER USER ${this.peek().value}`);
      const action = this.alterObjectAction();
      if (!action) this.fail();
      return { kind: 'alterUser', ifExists, name, action };
    }
    if (this.acceptWord('WAREHOUSE')) {
      const ifExists = this.ifExists();
      const name = this.singleName();
      let action: A.AlterWarehouseStatement['action'] | undefined;
      if (this.acceptWord('SUSPEND')) action = { kind: 'suspend' };
      else if (this.acceptWord('RESUME')) action = { kind: 'resume', ifSuspended: this.acceptWords('IF', 'SUSPENDED') };
      else if (this.acceptWords('ABORT', 'ALL', 'QUERIES')) action = { kind: 'abortAllQueries' };
      else action = this.alterObjectAction();
      if (!action) this.fail();
      return { kind: 'alterWarehouse', ifExists, name, action };
    }
    if (this.acceptWord('STAGE')) {
      const ifExists = this.ifExists();
      const name = this.objectName();
      let action: A.AlterStageStatement['action'] | undefined;
      if (this.acceptWords('REFRESH')) action = { kind: 'refresh', subpath: this.acceptWord('SUBPATH') ? (this.expectOp('='), this.stringLit()) : undefined };
      else action = this.alterObjectAction();
      if (!action) this.fail();
      return { kind: 'alterStage', ifExists, name, action };
    }
    if (this.acceptWords('COMPUTE', 'POOL')) {
      const ifExists = this.ifExists();
      const name = this.singleName();
      let action: A.AlterComputePoolStatement['action'] | undefined;
      if (this.acceptWords('STOP', 'ALL')) action = { kind: 'stopAll' };
      else if (this.acceptWord('SUSPEND')) action = { kind: 'suspend' };
      else if (this.acceptWord('RESUME')) action = { kind: 'resume' };
      else action = this.alterObjectAction();
      if (!action) this.fail();
      return { kind: 'alterComputePool', ifExists, name, action };
    }
    if (this.acceptWord('SERVICE')) {
      const ifExists = this.ifExists();
      const name = this.objectName();
      let action: A.AlterServiceStatement['action'] | undefined;
      if (this.isWord('FROM')) action = { kind: 'specification', specification: this.serviceSpec() };
      else if (this.acceptWord('SUSPEND')) action = { kind: 'suspend' };
      else if (this.acceptWord('RESUME')) action = { kind: 'resume' };
      else action = this.alterObjectAction();
      if (!action) this.fail();
      return { kind: 'alterService', ifExists, name, action };
    }
    const t = this.peek();
    if (t.type === 'word' && ['ROLE', 'VIEW', 'FILE', 'IMAGE', 'ACCOUNT', 'FUNCTION', 'PROCEDURE', 'TASK', 'INTEGRATION'].includes(t.value)) throw unsupported(`ALTER ${t.value}`);
    return this.fail();
  }

  private alterTableAction(): A.AlterTableAction {
    if (this.acceptWords('SWAP', 'WITH')) return { kind: 'swapWith', target: this.objectName() };
    if (this.acceptWords('RENAME', 'COLUMN')) {
      const from = this.ident();
      this.expectWord('TO');
      return { kind: 'renameColumn', from, to: this.ident() };
    }
    if (this.acceptWords('RENAME', 'TO')) return { kind: 'renameTo', newName: this.objectName() };
    if (this.acceptWord('ADD')) {
      if (this.isWord('PRIMARY') || this.isWord('CONSTRAINT') || this.isWord('UNIQUE') || this.isWord('SEARCH') || this.isWord('ROW')) throw unsupported(`ALTER TABLE ADD ${this.peek().value}`);
      this.acceptWord('COLUMN');
      const ifNotExists = this.ifNotExists();
      const columns = [this.columnDef()];
      while (this.acceptOp(',')) columns.push(this.columnDef());
      return { kind: 'addColumns', ifNotExists, columns };
    }
    if (this.acceptWord('DROP')) {
      if (this.isWord('PRIMARY') || this.isWord('CONSTRAINT') || this.isWord('UNIQUE')) throw unsupported(`ALTER TABLE DROP ${this.peek().value}`);
      this.acceptWord('COLUMN');
      const ifExists = this.ifExists();
      const columns = [this.ident()];
      while (this.acceptOp(',')) columns.push(this.ident());
      return { kind: 'dropColumns', ifExists, columns };
    }
    const t = this.peek();
    if (t.type === 'word' && ['ALTER', 'MODIFY', 'CLUSTER', 'RECLUSTER', 'SUSPEND', 'RESUME', 'DROP'].includes(t.value)) throw unsupported(`ALTER TABLE ${t.value}`);
    const action = this.alterObjectAction();
    if (!action || action.kind === 'renameTo') this.fail(t);
    return action;
  }

  // ── DROP / UNDROP / USE

  private objectType(): A.ObjectType | undefined {
    for (const [words, type] of OBJECT_TYPES) if (this.acceptWords(...words)) return type;
    return undefined;
  }

  private drop(): A.Statement {
    this.expectWord('DROP');
    const t = this.peek();
    const objectType = this.objectType();
    if (!objectType) {
      if (t.type === 'word' && ['TASK', 'STREAM', 'PIPE', 'SHARE', 'TAG', 'SECRET', 'NETWORK', 'MATERIALIZED', 'DYNAMIC', 'EXTERNAL'].includes(t.value)) throw unsupported(`DROP ${t.value}`);
      return this.fail();
    }
    const ifExists = this.ifExists();
    const name = this.objectName();
    const stmt: A.DropStatement = { kind: 'drop', objectType, ifExists, name };
    if (objectType === 'PROCEDURE') stmt.argTypes = this.argTypeList();
    if (this.acceptWord('CASCADE')) stmt.cascade = true;
    else if (this.acceptWord('RESTRICT')) stmt.restrict = true;
    if (objectType === 'SERVICE' && this.acceptWord('FORCE')) stmt.force = true;
    return stmt;
  }

  private undrop(): A.Statement {
    this.expectWord('UNDROP');
    const objectType = this.objectType();
    if (objectType !== 'DATABASE' && objectType !== 'SCHEMA' && objectType !== 'TABLE') return this.fail(this.peek(-1));
    return { kind: 'undrop', objectType, name: this.objectName() };
  }

  private use(): A.Statement {
    this.expectWord('USE');
    if (this.acceptWords('SECONDARY', 'ROLES')) {
      if (this.acceptWord('ALL')) return { kind: 'use', objectType: 'SECONDARY ROLES', secondaryRoles: { kind: 'ALL' } };
      if (this.acceptWord('NONE')) return { kind: 'use', objectType: 'SECONDARY ROLES', secondaryRoles: { kind: 'NONE' } };
      const roles = [this.objectName()];
      while (this.acceptOp(',')) roles.push(this.objectName());
      return { kind: 'use', objectType: 'SECONDARY ROLES', secondaryRoles: { kind: 'roles', roles } };
    }
    for (const objectType of ['ROLE', 'DATABASE', 'SCHEMA', 'WAREHOUSE'] as const) {
      if (this.isWord(objectType) && (this.peek(1).type === 'word' || this.peek(1).type === 'quoted')) {
        this.i++;
        const name = this.objectName();
        const max = objectType === 'SCHEMA' ? 2 : 1;
        if (name.parts.length > max) this.fail();
        return { kind: 'use', objectType, name };
      }
    }
    const name = this.objectName();
    if (name.parts.length > 2) this.fail();
    return { kind: 'use', objectType: name.parts.length === 1 ? 'DATABASE' : 'SCHEMA', name };
  }

  // ── GRANT / REVOKE

  private grant(): A.Statement {
    this.expectWord('GRANT');
    if (this.acceptWord('ROLE')) {
      const role = this.objectName();
      this.expectWord('TO');
      return { kind: 'grantRole', role, to: this.grantee(true) };
    }
    if (this.acceptWords('SERVICE', 'ROLE')) {
      const { service, serviceRole } = this.serviceRoleName();
      this.expectWord('TO');
      return { kind: 'grantServiceRole', service, serviceRole, to: this.grantee(false) };
    }
    if (this.isWord('DATABASE') && this.isWord('ROLE', 1)) throw unsupported('DATABASE ROLE');
    if (this.acceptWord('OWNERSHIP')) {
      this.expectWord('ON');
      const on = this.grantTarget();
      this.expectWord('TO');
      const to = this.grantee(false);
      let currentGrants: 'COPY' | 'REVOKE' | undefined;
      if (this.acceptWord('COPY')) currentGrants = 'COPY';
      else if (this.acceptWord('REVOKE')) currentGrants = 'REVOKE';
      if (currentGrants) this.expectWord('CURRENT', 'GRANTS');
      return { kind: 'grantOwnership', on, to, currentGrants };
    }
    const privileges = this.privileges();
    this.expectWord('ON');
    const on = this.grantTarget();
    this.expectWord('TO');
    const to = this.grantee(false);
    const withGrantOption = this.acceptWords('WITH', 'GRANT', 'OPTION');
    return { kind: 'grantPrivileges', privileges, on, to, withGrantOption };
  }

  private revoke(): A.Statement {
    this.expectWord('REVOKE');
    if (this.acceptWord('ROLE')) {
      const role = this.objectName();
      this.expectWord('FROM');
      return { kind: 'revokeRole', role, from: this.grantee(true) };
    }
    if (this.acceptWords('SERVICE', 'ROLE')) {
      const { service, serviceRole } = this.serviceRoleName();
      this.expectWord('FROM');
      return { kind: 'revokeServiceRole', service, serviceRole, from: this.grantee(false) };
    }
    if (this.isWord('OWNERSHIP')) throw unsupported('REVOKE OWNERSHIP');
    const grantOptionFor = this.acceptWords('GRANT', 'OPTION', 'FOR');
    const privileges = this.privileges();
    this.expectWord('ON');
    const on = this.grantTarget();
    this.expectWord('FROM');
    const from = this.grantee(false);
    const stmt: A.RevokePrivilegesStatement = { kind: 'revokePrivileges', grantOptionFor, privileges, on, from };
    if (this.acceptWord('CASCADE')) stmt.cascade = true;
    else if (this.acceptWord('RESTRICT')) stmt.restrict = true;
    return stmt;
  }

  private serviceRoleName(): { service: A.ObjectName; serviceRole: A.Ident } {
    const service = this.objectName();
    this.expectOp('!');
    return { service, serviceRole: this.ident() };
  }

  private privileges(): string[] {
    const out: string[] = [];
    do {
      const words: string[] = [];
      while (this.peek().type === 'word' && !this.isWord('ON')) {
        words.push(this.next().value);
      }
      if (words.length === 0) this.fail();
      const p = words.join(' ');
      out.push(p === 'ALL PRIVILEGES' ? 'ALL' : p);
    } while (this.acceptOp(','));
    return out;
  }

  private grantTarget(): A.GrantTarget {
    if (this.acceptWord('ACCOUNT')) return { kind: 'account' };
    if (this.isWord('ALL') || this.isWord('FUTURE')) {
      const kind = this.next().value === 'ALL' ? 'all' : 'future';
      const plural = GRANT_PLURALS.find((words) => this.isWords(...words));
      if (!plural) return this.fail();
      this.i += plural.length;
      this.expectWord('IN');
      const inType = this.acceptWord('DATABASE') ? 'DATABASE' : (this.expectWord('SCHEMA'), 'SCHEMA');
      return { kind, pluralType: plural.join(' '), in: { objectType: inType, name: this.objectName() } };
    }
    const objectType = this.objectType();
    if (!objectType) return this.fail();
    const name = this.objectName();
    if (objectType === 'PROCEDURE') return { kind: 'object', objectType, name, argTypes: this.argTypeList() };
    return { kind: 'object', objectType, name };
  }

  private grantee(roleOrUser: boolean): A.Grantee {
    if (this.acceptWords('DATABASE', 'ROLE')) return { type: 'DATABASE ROLE', name: this.objectName() };
    if (this.acceptWords('APPLICATION', 'ROLE')) return { type: 'APPLICATION ROLE', name: this.objectName() };
    if (this.acceptWord('ROLE')) return { type: 'ROLE', name: this.objectName() };
    if (this.acceptWord('USER')) return { type: 'USER', name: this.objectName() };
    if (this.acceptWord('SHARE')) return { type: 'SHARE', name: this.objectName() };
    if (roleOrUser) return this.fail();
    return { type: 'ROLE', name: this.objectName() };
  }

  /** ADD|REMOVE followed by PAT or PROGRAMMATIC ACCESS TOKEN. */
  private isTokenClause(): boolean {
    return (this.isWord('ADD') || this.isWord('REMOVE')) && (this.isWord('PAT', 1) || (this.isWord('PROGRAMMATIC', 1) && this.isWord('ACCESS', 2) && this.isWord('TOKEN', 3)));
  }

  private userTokenAction(): A.AlterUserTokenStatement['action'] {
    const add = this.next().value === 'ADD';
    if (!this.acceptWord('PAT')) this.expectWord('PROGRAMMATIC', 'ACCESS', 'TOKEN');
    if (!add) return { kind: 'remove', token: this.ident() };
    const ifNotExists = this.ifNotExists();
    const token = this.ident();
    return { kind: 'add', ifNotExists, token, properties: this.properties({}, true) };
  }

  // ── SHOW / DESCRIBE

  private show(): A.Statement {
    this.expectWord('SHOW');
    const terse = this.acceptWord('TERSE');
    const target = SHOW_TARGETS.find((words) => this.isWords(...words));
    if (!target) {
      const t = this.peek();
      if (t.type === 'word') throw unsupported(`SHOW ${t.value}`);
      return this.fail();
    }
    this.i += target.length;
    const what = target.join(' ') === 'USER PATS' ? 'USER PROGRAMMATIC ACCESS TOKENS' : target.join(' ');
    const stmt: A.ShowStatement = { kind: 'show', what, terse };
    if (what === 'USER PROGRAMMATIC ACCESS TOKENS') {
      if (this.acceptWords('FOR', 'USER')) stmt.in = { objectType: 'USER', name: this.singleName() };
      return stmt;
    }
    if (stmt.what === 'GRANTS') {
      if (this.acceptWord('TO')) stmt.grants = { kind: 'to', grantee: this.grantee(true) };
      else if (this.acceptWord('ON')) stmt.grants = { kind: 'on', target: this.grantTarget() };
      else if (this.acceptWords('OF', 'SERVICE', 'ROLE')) stmt.grants = { kind: 'ofServiceRole', ...this.serviceRoleName() };
      else if (this.acceptWords('OF', 'ROLE')) stmt.grants = { kind: 'of', role: this.objectName() };
    }
    if (this.acceptWord('HISTORY')) stmt.history = true;
    if (this.acceptWord('LIKE')) stmt.like = this.stringLit();
    if (this.acceptWord('IN') || (stmt.what === 'PARAMETERS' && this.acceptWord('FOR'))) {
      if (this.acceptWord('ACCOUNT')) stmt.in = { objectType: 'ACCOUNT' };
      else if (this.acceptWord('SESSION')) stmt.in = { objectType: 'SESSION' };
      else {
        const objectType = this.objectType();
        const name = this.peek().type === 'word' || this.peek().type === 'quoted' ? this.objectName() : undefined;
        if (!objectType && !name) this.fail();
        stmt.in = { ...(objectType ? { objectType } : {}), ...(name ? { name } : {}) };
        if (objectType && !name && objectType !== 'DATABASE' && objectType !== 'SCHEMA') this.fail();
      }
    }
    if (this.acceptWords('STARTS', 'WITH')) stmt.startsWith = this.stringLit();
    if (this.acceptWord('LIMIT')) {
      stmt.limit = { rows: this.integer() };
      if (this.acceptWord('FROM')) stmt.limit.from = this.stringLit();
    }
    return stmt;
  }

  private describe(): A.Statement {
    this.next();
    if (this.acceptWord('RESULT')) {
      const id = this.stringLit();
      return { kind: 'describe', objectType: 'RESULT', name: { parts: [{ name: id, quoted: true }] } };
    }
    const objectType = this.objectType() ?? 'TABLE';
    const name = this.objectName();
    const stmt: A.DescribeStatement = { kind: 'describe', objectType, name };
    if (objectType === 'PROCEDURE') stmt.argTypes = this.argTypeList();
    if (this.acceptWord('TYPE')) {
      this.expectOp('=');
      stmt.type = this.next().value;
    }
    return stmt;
  }

  private callStatement(): A.Statement {
    this.expectWord('CALL');
    const first = this.peek();
    if (first.type === 'word' && first.value.startsWith('SYSTEM$')) return { kind: 'call', call: this.nameOrCallForCall() };
    // A user procedure: its arguments are kept as written, to be evaluated with the statement's binds.
    const name = this.objectName();
    this.expectOp('(');
    const args: A.FunctionCall['args'] = [];
    const argTexts: string[] = [];
    if (!this.acceptOp(')')) {
      do {
        const start = this.peek();
        args.push({ value: this.expr() });
        argTexts.push(this.sql.slice(start.start, this.tokens[this.i - 1]!.end));
      } while (this.acceptOp(','));
      this.expectOp(')');
    }
    const last = name.parts[name.parts.length - 1]!;
    return { kind: 'call', call: { kind: 'function', name: last.name, args, distinct: false, system: false }, procedure: { name, argTexts } };
  }

  private nameOrCallForCall(): A.FunctionCall {
    const t = this.peek();
    if (t.type !== 'word' && t.type !== 'quoted') this.fail();
    if (this.isOp('(', 1)) {
      this.i++;
      return this.functionArgs(t);
    }
    const e = this.nameOrCall();
    if (e.kind !== 'function') this.fail();
    return e;
  }

  // ── files and stages

  /** `@stage/path` (or the same in single quotes) → StageRef. */
  private stageRef(): A.StageRef {
    const t = this.peek();
    if (t.type !== 'stage' && !(t.type === 'string' && t.value.startsWith('@'))) this.fail();
    this.i++;
    const ref = parseStageRef(t.type === 'stage' ? t.raw : t.value);
    if (!ref) this.fail(t);
    return ref;
  }

  private patternOption(): string | undefined {
    if (!this.isWord('PATTERN')) return undefined;
    this.i++;
    this.expectOp('=');
    return this.stringLit();
  }

  /** A local file URI: 'file://…' quoted, or written bare (file:///tmp/a.csv). */
  private fileUri(): string {
    const t = this.peek();
    let text: string;
    if (t.type === 'string') {
      this.i++;
      text = t.value;
    } else return this.fail();
    if (!/^file:\/\//i.test(text)) this.fail(t);
    return text.replace(/^file:\/\//i, '');
  }

  private put(): A.Statement {
    this.expectWord('PUT');
    const localPath = this.fileUri();
    const stage = this.stageRef();
    return { kind: 'put', localPath, stage, properties: this.properties() };
  }

  private get(): A.Statement {
    this.expectWord('GET');
    const stage = this.stageRef();
    const localPath = this.fileUri();
    return { kind: 'get', stage, localPath, properties: this.properties() };
  }

  private copyInto(): A.Statement {
    this.expectWord('COPY', 'INTO');
    if (this.peek().type === 'stage' || (this.peek().type === 'string' && this.peek().value.startsWith('@'))) throw unsupported('COPY INTO <location>');
    const table = this.objectName();
    const columns = this.isOp('(') ? this.identList() : undefined;
    let source: A.CopyIntoStatement['source'];
    // Without FROM, COPY loads from the table's own stage (https://docs.snowflake.com/en/sql-reference/sql/copy-into-table).
    if (!this.acceptWord('FROM')) {
      const text = `@%${table.parts.map((part) => part.name).join('.')}`;
      source = { kind: 'stage', stage: { type: 'table', name: table, path: '', text } };
      return { kind: 'copyInto', table, columns, source, properties: this.properties({}, true) };
    }
    const t = this.peek();
    if (t.type === 'stage' || (t.type === 'string' && t.value.startsWith('@'))) source = { kind: 'stage', stage: this.stageRef() };
    else if (this.acceptOp('(')) {
      source = { kind: 'query', query: this.query() };
      this.expectOp(')');
    } else if (t.type === 'string') throw unsupported('COPY INTO from an external location');
    else return this.fail();
    return { kind: 'copyInto', table, columns, source, properties: this.properties({}, true) };
  }

  private commentOn(): A.Statement {
    this.expectWord('COMMENT');
    const ifExists = this.ifExists();
    this.expectWord('ON');
    const objectType = this.acceptWord('COLUMN') ? 'COLUMN' : this.objectType();
    if (!objectType) return this.fail();
    const start = this.peek();
    const name = this.objectName();
    if (objectType === 'COLUMN' && this.isOp('.')) {
      this.i++;
      name.parts.push(this.ident());
      if (name.parts.length > 4) this.fail(start);
    }
    this.expectWord('IS');
    return { kind: 'comment', ifExists, objectType, name, comment: this.stringLit() };
  }
}

/** `@name/path`, `@"My Stage"/p`, `@db.schema.name/p/`, `@~/p`, `@%table/p` → StageRef (undefined if malformed). */
export function parseStageRef(text: string): A.StageRef | undefined {
  if (!text.startsWith('@')) return undefined;
  let rest = text.slice(1);
  const split = (s: string): { path: string; namePart: string } => {
    // the name ends at the first '/' outside double quotes
    let inQuote = false;
    for (let k = 0; k < s.length; k++) {
      if (s[k] === '"') inQuote = !inQuote;
      else if (s[k] === '/' && !inQuote) return { namePart: s.slice(0, k), path: s.slice(k + 1) };
    }
    return { namePart: s, path: '' };
  };
  if (rest.startsWith('~')) {
    const { namePart, path } = split(rest);
    if (namePart !== '~') return undefined;
    return { type: 'user', path, text };
  }
  let type: A.StageRef['type'] = 'named';
  if (rest.startsWith('%')) {
    type = 'table';
    rest = rest.slice(1);
  }
  let { namePart, path } = split(rest);
  // A table stage in a namespace: @db.schema.%table (the % stands before the table's name).
  const qualifiedTable = /^(.*)\.%([^.]+)$/.exec(namePart);
  if (type === 'named' && qualifiedTable) {
    type = 'table';
    namePart = `${qualifiedTable[1]}.${qualifiedTable[2]}`;
  }
  const name = parseNameText(namePart);
  if (!name) return undefined;
  return { type, name, path, text };
}

/** Parses `a.b."C"` text into a normalised ObjectName (undefined if malformed). */
export function parseNameText(text: string): A.ObjectName | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch {
    return undefined;
  }
  const parts: A.Ident[] = [];
  let k = 0;
  for (;;) {
    const t = tokens[k++]!;
    if (t.type === 'word') parts.push({ name: t.value, quoted: false });
    else if (t.type === 'quoted') parts.push({ name: t.value, quoted: true });
    else return undefined;
    const sep = tokens[k++]!;
    if (sep.type === 'eof') break;
    if (sep.type !== 'op' || sep.value !== '.') return undefined;
  }
  if (parts.length === 0 || parts.length > 3) return undefined;
  return { parts };
}
