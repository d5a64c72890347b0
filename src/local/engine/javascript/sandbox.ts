// The inside of a JavaScript stored procedure's run: code that runs in a worker thread (workerMain) and
// in a node:vm context there (snowflakeApi), the Snowflake JavaScript stored procedures API
// (https://docs.snowflake.com/en/sql-reference/stored-procedures-api). Both functions are shipped as
// their source text (host.ts), so neither may refer to anything outside its own body.
//
// The API is synchronous, the engine is not: a statement is a request (JSON text) posted to the main
// thread, and the worker sleeps on Atomics.wait until the reply is on its port. Only strings cross into
// the context, and every object the procedure sees is made inside it: nothing leads back to the
// worker's own globals (process, require).

/** What the host hands the worker (workerData). */
export interface SandboxData {
  /** The port replies come on (requests go out on it too). */
  port: import('node:worker_threads').MessagePort;
  /** Int32 flag: 0 while a request waits, 1 once its reply was posted. */
  flag: SharedArrayBuffer;
  /** The procedure's name: the body's file name in stack traces and messages. */
  name: string;
  body: string;
  argNames: string[];
  /** The arguments as a one-row result: { columns, rows: [row] } (JSON). */
  argsJson: string;
  /** snowflakeApi's source. */
  api: string;
}

/** The worker's program (given its modules): runs the body, posts { ok: true, value } or { ok: false, … } to the parent. */
export function workerMain(threads: typeof import('node:worker_threads'), vm: typeof import('node:vm')): void {
  const data = threads.workerData as SandboxData;
  const flag = new Int32Array(data.flag);
  const bridge = (request: string): string => {
    Atomics.store(flag, 0, 0);
    data.port.postMessage(request);
    Atomics.wait(flag, 0, 0);
    const reply = threads.receiveMessageOnPort(data.port);
    if (!reply) throw new Error('papi local: the engine did not answer');
    return reply.message as string;
  };
  const context = vm.createContext(Object.create(null) as object, { name: data.name, codeGeneration: { strings: true, wasm: false } });
  const install = vm.runInContext(`(${data.api})`, context, { filename: 'snowflake-api' }) as (
    bridge: (request: string) => string,
    name: string,
  ) => { snowflake: object; decodeArgs(json: string): unknown[]; encode(value: unknown): string; isSqlError(e: unknown): boolean };
  const api = install(bridge, data.name);
  const globals = context as Record<string, unknown>;
  globals.snowflake = api.snowflake;
  const args = api.decodeArgs(data.argsJson);
  data.argNames.forEach((name, i) => {
    globals[name] = args[i];
  });
  const post = (message: object) => threads.parentPort!.postMessage(message);
  let script: import('node:vm').Script;
  try {
    script = new vm.Script(`(function () {${data.body}\n})()`, { filename: data.name });
  } catch (error) {
    // The body does not compile: V8 puts "NAME:line" and the source line first in a SyntaxError's stack.
    const e = error as { name?: unknown; message?: unknown; stack?: unknown };
    const at = /^[^\n]*:(\d+)\n/.exec(String(e.stack ?? ''));
    post({ ok: false, sql: false, compile: true, text: `${String(e.name)}: ${String(e.message)}`, line: at ? Number(at[1]) : 0 });
    return;
  }
  let value: unknown;
  try {
    value = script.runInContext(context);
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; state?: unknown; stackTraceTxt?: unknown } | null;
    if (api.isSqlError(e)) {
      post({ ok: false, sql: true, code: e!.code, state: e!.state, message: String(e!.message), stackTraceTxt: String(e!.stackTraceTxt ?? '') });
      return;
    }
    const isError = e !== null && typeof e === 'object' && typeof e.stack === 'string';
    let text: string;
    try {
      text = isError ? `${String(e.name)}: ${String(e.message)}` : String(error);
    } catch {
      text = 'an exception that cannot be shown';
    }
    post({ ok: false, sql: false, text, stack: isError ? String(e.stack) : '' });
    return;
  }
  try {
    post({ ok: true, value: api.encode(value) });
  } catch (error) {
    post({ ok: false, sql: false, text: `TypeError: the returned value cannot be converted: ${String((error as Error)?.message ?? error)}`, stack: '' });
  }
}

/**
 * Runs inside the context: builds the `snowflake` object, Statement, ResultSet and SfDate, and converts
 * values both ways (https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-javascript#sql-and-javascript-data-type-mapping).
 */
export function snowflakeApi(bridge: (request: string) => string, procedureName: string) {
  interface Column {
    name: string;
    type: string;
    nullable: boolean;
    precision?: number | null;
    scale?: number | null;
  }
  interface Executed {
    handle: number;
    queryId: string;
    columns: Column[];
    rowCount: number;
    statementTypeId: number;
    rows: Array<Array<string | null>>;
  }
  const SQL_ERROR = Symbol('sqlError');

  /** A timestamp: a Date with nanoseconds and a time zone (SfDate). */
  class SfDate extends Date {
    #nanos: number;
    #offset: number;
    #scale: number;
    constructor(ms: number, nanos: number, offsetMinutes: number, scale: number) {
      super(ms);
      this.#nanos = nanos;
      this.#offset = offsetMinutes;
      this.#scale = scale;
    }
    getEpochSeconds(): number {
      return Math.floor(this.getTime() / 1000);
    }
    getNanoSeconds(): number {
      return this.#nanos;
    }
    getTimezone(): number {
      return this.#offset;
    }
    getScale(): number {
      return this.#scale;
    }
  }

  const call = (request: object): Record<string, unknown> => JSON.parse(bridge(JSON.stringify(request))) as Record<string, unknown>;

  /** Where in the procedure's body the API was called from: "line N position M". */
  function callSite(): string {
    const stack = new Error().stack ?? '';
    const escaped = procedureName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
    return match ? `line ${match[1]} position ${Number(match[2]) - 1}` : 'line 0 position 0';
  }

  function sqlError(reply: Record<string, unknown>, site: string): Error {
    const error = new Error(String(reply.message)) as Error & Record<string, unknown>;
    error.code = Number(reply.code);
    error.state = String(reply.state);
    error.stackTraceTxt = `At Statement.execute, ${site}`;
    Object.defineProperty(error, SQL_ERROR, { value: true });
    return error;
  }

  const hexToBytes = (hex: string) => {
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return bytes;
  };
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');

  /** A cell in the wire encoding → the JavaScript value Snowflake gives for its SQL type. */
  function toValue(cell: string | null, column: Column): unknown {
    if (cell === null) return null;
    switch (column.type) {
      case 'fixed':
      case 'real':
        return cell === 'inf' ? Infinity : cell === '-inf' ? -Infinity : Number(cell);
      case 'boolean':
        return cell === '1' || cell === 'true';
      case 'date':
        return new Date(Number(cell) * 86_400_000);
      case 'time':
        return timeText(cell);
      case 'timestamp_ntz':
      case 'timestamp_ltz':
      case 'timestamp_tz': {
        const [epoch, offset] = cell.split(' ');
        const [secs, frac = ''] = epoch!.split('.');
        const nanos = Number(frac.padEnd(9, '0').slice(0, 9));
        const ms = Number(secs) * 1000 + Math.floor(nanos / 1_000_000) * (epoch!.startsWith('-') ? -1 : 1);
        return new SfDate(ms, nanos, offset === undefined ? 0 : Number(offset) - 1440, column.scale ?? 9);
      }
      case 'variant':
      case 'object':
      case 'array':
        return JSON.parse(cell) as unknown;
      case 'binary':
        return hexToBytes(cell);
      default:
        return cell;
    }
  }

  function timeText(cell: string): string {
    const [secs, frac] = cell.split('.');
    const s = Number(secs);
    return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${frac && Number(frac) !== 0 ? `.${frac}` : ''}`;
  }

  /** A cell as SQL would print it (getColumnValueAsString). */
  function toText(cell: string | null, column: Column): string {
    if (cell === null) return '';
    switch (column.type) {
      case 'boolean':
        return cell === '1' || cell === 'true' ? 'true' : 'false';
      case 'date': {
        const d = new Date(Number(cell) * 86_400_000);
        return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      }
      case 'time':
        return timeText(cell);
      case 'timestamp_ntz':
      case 'timestamp_ltz':
      case 'timestamp_tz': {
        const value = toValue(cell, column) as SfDate;
        const offset = value.getTimezone();
        const local = new Date(value.getTime() + offset * 60_000);
        const text = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}`;
        if (column.type === 'timestamp_ntz') return text;
        const sign = offset < 0 ? '-' : '+';
        return `${text} ${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
      }
      default:
        return cell;
    }
  }

  /** A JavaScript value → a bind as the driver would send it (type and text). */
  function toBind(value: unknown, index: number): { type: string; value: string | null } {
    if (value === null || value === undefined) return { type: 'TEXT', value: null };
    if (typeof value === 'number') return Number.isSafeInteger(value) ? { type: 'FIXED', value: String(value) } : { type: 'REAL', value: String(value) };
    if (typeof value === 'string') return { type: 'TEXT', value };
    if (typeof value === 'boolean') return { type: 'BOOLEAN', value: String(value) };
    if (value instanceof Date) {
      const nanos = value instanceof SfDate ? value.getNanoSeconds() % 1_000_000 : 0;
      return { type: 'TIMESTAMP_LTZ', value: String(BigInt(value.getTime()) * 1_000_000n + BigInt(nanos)) };
    }
    if (value instanceof Uint8Array) return { type: 'BINARY', value: Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase() };
    throw new Error(`Invalid binds argument: binds[${index}] is of an unsupported type (${Object.prototype.toString.call(value).slice(8, -1)})`);
  }

  function columnIndex(columns: Column[], which: unknown): number {
    if (typeof which === 'number') {
      if (!Number.isInteger(which) || which < 1 || which > columns.length) throw new Error(`Given index ${String(which)} is invalid.`);
      return which - 1;
    }
    const name = String(which);
    let i = columns.findIndex((c) => c.name === name);
    if (i < 0) i = columns.findIndex((c) => c.name.toUpperCase() === name.toUpperCase());
    if (i < 0) throw new Error(`Given column name/index does not exist: ${name}`);
    return i;
  }

  const SQL_TYPES: Record<string, string> = {
    fixed: 'NUMBER',
    real: 'FLOAT',
    text: 'VARCHAR',
    boolean: 'BOOLEAN',
    date: 'DATE',
    time: 'TIME',
    timestamp_ntz: 'TIMESTAMP_NTZ',
    timestamp_ltz: 'TIMESTAMP_LTZ',
    timestamp_tz: 'TIMESTAMP_TZ',
    variant: 'VARIANT',
    object: 'OBJECT',
    array: 'ARRAY',
    binary: 'BINARY',
  };

  /** What Statement and ResultSet say about an executed statement's columns and counts. */
  function describeColumns(target: object, get: () => Executed) {
    const column = (i: number) => {
      const columns = get().columns;
      return columns[columnIndex(columns, i)]!;
    };
    const counts = () => {
      const executed = get();
      const names = executed.columns.map((c) => c.name);
      const first = executed.rows[0] ?? [];
      const count = (name: string) => {
        const i = names.indexOf(name);
        return i < 0 ? 0 : Number(first[i] ?? 0);
      };
      return { inserted: count('number of rows inserted'), updated: count('number of rows updated'), deleted: count('number of rows deleted'), duplicates: count('number of multi-joined rows updated') };
    };
    const methods = {
      getColumnCount: () => get().columns.length,
      getRowCount: () => get().rowCount,
      getQueryId: () => get().queryId,
      getColumnName: (i: number) => column(i).name,
      getColumnType: (i: number) => SQL_TYPES[column(i).type] ?? 'VARCHAR',
      getColumnSqlType: (i: number) => SQL_TYPES[column(i).type] ?? 'VARCHAR',
      getColumnScale: (i: number) => column(i).scale ?? 0,
      isColumnNullable: (i: number) => column(i).nullable,
      isColumnText: (i: number) => column(i).type === 'text',
      isColumnArray: (i: number) => column(i).type === 'array',
      isColumnBinary: (i: number) => column(i).type === 'binary',
      isColumnBoolean: (i: number) => column(i).type === 'boolean',
      isColumnDate: (i: number) => column(i).type === 'date',
      isColumnNumber: (i: number) => column(i).type === 'fixed' || column(i).type === 'real',
      isColumnObject: (i: number) => column(i).type === 'object',
      isColumnTime: (i: number) => column(i).type === 'time',
      isColumnTimestamp: (i: number) => column(i).type.startsWith('timestamp'),
      isColumnVariant: (i: number) => column(i).type === 'variant',
      getNumRowsInserted: () => counts().inserted,
      getNumRowsUpdated: () => counts().updated,
      getNumRowsDeleted: () => counts().deleted,
      getNumDuplicateRowsUpdated: () => counts().duplicates,
      getNumRowsAffected: () => {
        const c = counts();
        return c.inserted + c.updated + c.deleted;
      },
    };
    for (const [name, fn] of Object.entries(methods)) Object.defineProperty(target, name, { value: fn, enumerable: false });
  }

  /** The rows of one executed statement, fetched from the engine in chunks as next() reaches them. */
  class ResultSet {
    #executed: Executed;
    #chunk: Array<Array<string | null>>;
    #chunkStart = 0;
    #position = -1;
    constructor(executed: Executed) {
      this.#executed = executed;
      this.#chunk = executed.rows;
      describeColumns(this, () => this.#executed);
      // A column's value is also a property named after it (my_result_set.MY_COLUMN).
      executed.columns.forEach((c, i) => {
        if (!(c.name in this)) Object.defineProperty(this, c.name, { get: () => this.getColumnValue(i + 1), enumerable: true });
      });
    }
    next(): boolean {
      if (this.#position + 1 >= this.#executed.rowCount) {
        this.#position = this.#executed.rowCount;
        return false;
      }
      this.#position++;
      if (this.#position >= this.#chunkStart + this.#chunk.length) {
        const reply = call({ op: 'fetch', handle: this.#executed.handle, offset: this.#position });
        this.#chunkStart = this.#position;
        this.#chunk = JSON.parse(String(reply.rows)) as Array<Array<string | null>>;
      }
      return true;
    }
    #cell(which: unknown): [string | null, Column] {
      if (this.#position < 0 || this.#position >= this.#executed.rowCount) throw new Error('ResultSet is empty or not prepared (call next() first).');
      const i = columnIndex(this.#executed.columns, which);
      return [this.#chunk[this.#position - this.#chunkStart]![i] ?? null, this.#executed.columns[i]!];
    }
    getColumnValue(which: number | string): unknown {
      const [cell, column] = this.#cell(which);
      return toValue(cell, column);
    }
    getColumnValueAsString(which: number | string): string {
      const [cell, column] = this.#cell(which);
      return toText(cell, column);
    }
  }

  function sqlCommand(command: unknown): { sqlText: string; binds: unknown[] } {
    const c = (command ?? {}) as { sqlText?: unknown; binds?: unknown };
    if (typeof c.sqlText !== 'string' || c.sqlText.trim() === '') throw new Error('Missing or empty sqlText in the argument of createStatement/execute.');
    if (c.binds !== undefined && c.binds !== null && !Array.isArray(c.binds)) throw new Error('Invalid binds argument: binds must be an array.');
    return { sqlText: c.sqlText, binds: (c.binds as unknown[] | undefined) ?? [] };
  }

  /** A statement to run (createStatement); execute() runs it, as often as asked. */
  class Statement {
    #sqlText: string;
    #binds: Array<{ type: string; value: string | null }>;
    #executed: Executed | undefined;
    constructor(command: { sqlText: string; binds: unknown[] }) {
      this.#sqlText = command.sqlText;
      this.#binds = command.binds.map(toBind);
      describeColumns(this, () => {
        if (!this.#executed) throw new Error('Statement is not executed yet.');
        return this.#executed;
      });
    }
    execute(): ResultSet {
      const site = callSite();
      const reply = call({ op: 'execute', sqlText: this.#sqlText, binds: this.#binds });
      if (!reply.ok) throw sqlError(reply, site);
      this.#executed = { ...(reply as unknown as Executed), rows: JSON.parse(String(reply.rows)) as Array<Array<string | null>> };
      return new ResultSet(this.#executed);
    }
    getSqlText(): string {
      return this.#sqlText;
    }
    getStatementId(): string | undefined {
      return this.#executed?.queryId;
    }
  }

  const snowflake = Object.freeze({
    createStatement: (command: unknown) => new Statement(sqlCommand(command)),
    execute: (command: unknown) => new Statement(sqlCommand(command)).execute(),
  });

  return {
    snowflake,
    decodeArgs(json: string): unknown[] {
      const { columns, rows } = JSON.parse(json) as { columns: Column[]; rows: Array<Array<string | null>> };
      return columns.map((c, i) => toValue(rows[0]![i] ?? null, c));
    },
    /** The returned value as the host converts it to the RETURNS type. */
    encode(value: unknown): string {
      if (value === null || value === undefined) return JSON.stringify({ kind: 'null' });
      if (typeof value === 'number') return JSON.stringify({ kind: 'number', text: String(value) });
      if (typeof value === 'string') return JSON.stringify({ kind: 'string', text: value });
      if (typeof value === 'boolean') return JSON.stringify({ kind: 'boolean', text: String(value) });
      if (value instanceof Date) {
        const nanos = value instanceof SfDate ? value.getNanoSeconds() % 1_000_000 : 0;
        return JSON.stringify({ kind: 'date', text: String(BigInt(value.getTime()) * 1_000_000n + BigInt(nanos)), iso: value.toISOString() });
      }
      if (value instanceof Uint8Array) return JSON.stringify({ kind: 'binary', text: toBind(value, 0).value });
      return JSON.stringify({ kind: 'json', text: JSON.stringify(value) ?? 'null', string: String(value) });
    },
    isSqlError(e: unknown): boolean {
      return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[SQL_ERROR] === true;
    },
  };
}
