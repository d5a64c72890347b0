// POST /queries/v1/query-request and the calls around it: positional binds to engine.execute, the
// driver's result shape (rowtype, rowset, total, returned, final* names, parameters every time),
// large results split into chunks fetched back from this server, async execution (333334), status
// and result by query id, and requestId deduplication.
import type { Bind, Column, Engine, SessionState, StatementResult } from '../engine/types.js';
import { SqlError } from '../errors.js';
import { asSqlError, failure } from './snowflake-protocol.js';
import { sessionParameters } from './parameters.js';
import type { QueryEntry, ResultStore } from './results.js';
import type { Session } from './sessions.js';

/** Rows sent inline with the first answer; the rest go into chunks. */
export interface ChunkLimits {
  firstRows: number;
  firstBytes: number;
  chunkRows: number;
  chunkBytes: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { firstRows: 1000, firstBytes: 256 * 1024, chunkRows: 10_000, chunkBytes: 1024 * 1024 };

/** How long a synchronous request or a result fetch waits before answering "still running" (333333). */
const WAIT_BEFORE_IN_PROGRESS_MS = 30_000;

export const PATH_PREFIX_CHUNKS = '/papi-local/chunks/';

export interface QueryContext {
  engine: Engine;
  results: ResultStore;
  chunkLimits: ChunkLimits;
}

interface QueryRequestBody {
  sqlText?: unknown;
  bindings?: unknown;
  bindStage?: unknown;
  asyncExec?: unknown;
  describeOnly?: unknown;
  parameters?: unknown;
}

export async function handleQueryRequest(
  context: QueryContext,
  session: Session,
  body: QueryRequestBody,
  requestId: string | null,
  origin: string,
): Promise<unknown> {
  const retried = context.results.forRequest(session.id, requestId);
  if (retried) return answerFor(retried);

  const sqlText = typeof body.sqlText === 'string' ? body.sqlText : '';
  const entry = context.results.start(session.id, session.state.user, sqlText, requestId, (e) => run(context, session, e, body, origin));
  if (body.asyncExec === true) {
    return {
      success: true,
      code: '333334',
      message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
      data: { queryId: entry.queryId, getResultUrl: resultUrl(entry.queryId) },
    };
  }
  return answerFor(entry);
}

/** The finished answer, or 333333 after a long wait (the driver then polls getResultUrl). */
export async function answerFor(entry: QueryEntry, waitMs = WAIT_BEFORE_IN_PROGRESS_MS): Promise<unknown> {
  if (entry.status === 'RUNNING') {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([entry.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }
  if (entry.response !== undefined) return entry.response;
  return {
    success: true,
    code: '333333',
    message: 'Query execution in progress. Query will be available when completed.',
    data: { queryId: entry.queryId, getResultUrl: resultUrl(entry.queryId) },
  };
}

/** GET /monitoring/queries/<id>: the driver reads data.queries[0].status. */
export function queryMonitoring(entry: QueryEntry | undefined): unknown {
  if (!entry) return { success: true, code: null, message: null, data: { queries: [] } };
  const query = {
    id: entry.queryId,
    status: entry.status,
    sqlText: entry.sqlText,
    startTime: entry.startTime,
    endTime: entry.endTime ?? 0,
    sessionId: Number(entry.sessionId),
    ...(entry.error ? { errorCode: entry.error.code, errorMessage: entry.error.message } : {}),
  };
  return {
    success: true,
    code: entry.error ? entry.error.code : null,
    message: entry.error ? entry.error.message : null,
    data: { queries: [query], ...(entry.error ? { sqlState: entry.error.sqlState } : {}) },
  };
}

export function statementNotFound(queryId: string): SqlError {
  return new SqlError('000709', '02000', `Statement ${queryId} not found`);
}

function resultUrl(queryId: string): string {
  return `/queries/${queryId}/result`;
}

async function run(context: QueryContext, session: Session, entry: QueryEntry, body: QueryRequestBody, origin: string): Promise<void> {
  try {
    if (entry.sqlText.trim() === '') throw new SqlError('000900', '42000', 'SQL compilation error:\nEmpty SQL statement.');
    applyStatementParameters(session.state, body.parameters);
    // Only a text with a ';' can hold several statements: the common one-statement request is not tokenized twice.
    const statements = entry.sqlText.includes(';') ? context.engine.statements(entry.sqlText) : [];
    if (statements.length > 1) {
      entry.response = await runStatements(context, session, entry, statements, body, origin);
    } else {
      const result = await context.engine.execute(session.state, entry.sqlText, bindsOf(body.bindings), {
        signal: entry.abort.signal,
        describeOnly: body.describeOnly === true,
        ...(typeof body.bindStage === 'string' ? { bindStage: body.bindStage } : {}),
      });
      entry.response = success(context, session.state, entry, result, origin);
    }
    entry.status = 'SUCCESS';
  } catch (error) {
    const sqlError = asSqlError(error);
    entry.error = sqlError;
    entry.status = 'FAILED_WITH_ERROR';
    entry.response = failure(sqlError, entry.queryId);
  }
}

/**
 * A request of several statements runs them in order, each as a query of its own, when the request
 * (or the session) sets MULTI_STATEMENT_COUNT to their number or to 0; the first failure ends it. The
 * answer lists their query ids; the driver fetches each result by id. The request's binds go to the
 * statements in order, each taking as many as it has `?`
 * (https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-execute#executing-a-batch-of-sql-statements-multi-statement-support).
 */
async function runStatements(
  context: QueryContext,
  session: Session,
  entry: QueryEntry,
  statements: Array<{ text: string; binds: number }>,
  body: QueryRequestBody,
  origin: string,
): Promise<unknown> {
  const desired = multiStatementCount(body.parameters, session.state);
  if (desired !== 0 && desired !== statements.length)
    throw new SqlError('000008', '0A000', `Actual statement count ${statements.length} did not match the desired statement count ${desired}.`);
  const binds = Object.entries((body.bindings ?? {}) as Record<string, unknown>).sort(([a], [b]) => Number(a) - Number(b));
  const children: QueryEntry[] = [];
  for (const { text: sqlText, binds: count } of statements) {
    const bindings = Object.fromEntries(binds.splice(0, count).map(([, bind], i) => [String(i + 1), bind]));
    const child = context.results.start(session.id, session.state.user, sqlText, null, (e) => run(context, session, e, { sqlText, bindings }, origin));
    await child.done;
    if (child.error) throw child.error;
    children.push(child);
  }
  const result: StatementResult = {
    kind: 'rows',
    columns: [{ name: 'multiple statement execution', type: 'text', nullable: false, length: 16777216, byteLength: 16777216 }],
    rows: [['Multiple statements executed successfully.']],
    statementTypeId: MULTI_STATEMENT_TYPE,
  };
  const answer = success(context, session.state, entry, result, origin) as { data: Record<string, unknown> };
  answer.data.resultIds = children.map((c) => c.queryId).join(',');
  answer.data.resultTypes = children.map((c) => String((c.response as { data?: { statementTypeId?: number } }).data?.statementTypeId ?? '')).join(',');
  return answer;
}

/** Snowflake's statement type id of a multi-statement request. */
const MULTI_STATEMENT_TYPE = 0x1000;

/** MULTI_STATEMENT_COUNT from the request, else the session (ALTER SESSION), else 1. */
function multiStatementCount(parameters: unknown, state: SessionState): number {
  const fromRequest = typeof parameters === 'object' && parameters !== null ? (parameters as Record<string, unknown>).MULTI_STATEMENT_COUNT : undefined;
  const value = fromRequest ?? state.parameters.MULTI_STATEMENT_COUNT;
  const count = Number(value ?? 1);
  return Number.isInteger(count) && count >= 0 ? count : 1;
}

/** QUERY_TAG and friends sent with the statement hold for this statement's session. */
function applyStatementParameters(state: SessionState, parameters: unknown): void {
  if (typeof parameters !== 'object' || parameters === null) return;
  for (const [name, value] of Object.entries(parameters as Record<string, unknown>)) {
    if (name.toUpperCase() === 'MULTI_STATEMENT_COUNT') continue;
    if (value !== null && value !== undefined && typeof value !== 'object') state.parameters[name.toUpperCase()] = String(value);
  }
}

/** `{"1": {type, value}, "2": …}` → binds in position order. */
export function bindsOf(bindings: unknown): Bind[] {
  if (typeof bindings !== 'object' || bindings === null) return [];
  return Object.entries(bindings as Record<string, { type?: unknown; value?: unknown }>)
    .map(([key, bind]) => ({ position: Number(key), bind }))
    .filter(({ position }) => Number.isInteger(position) && position > 0)
    .sort((a, b) => a.position - b.position)
    .map(({ bind }) => ({
      type: typeof bind?.type === 'string' ? bind.type : 'TEXT',
      value: bindValue(bind?.value),
    }));
}

function bindValue(value: unknown): Bind['value'] {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => (v === null || v === undefined ? null : String(v)));
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function success(context: QueryContext, state: SessionState, entry: QueryEntry, result: StatementResult, origin: string): unknown {
  const finals = {
    finalDatabaseName: state.database ?? null,
    finalSchemaName: state.schema ?? null,
    finalWarehouseName: state.warehouse ?? null,
    finalRoleName: state.role,
  };
  const common = { parameters: sessionParameters(state), queryId: entry.queryId, ...finals, queryContext: queryContext(state) };
  if (result.kind === 'fileTransfer') {
    return { success: true, code: null, message: null, data: { ...result.data, ...common } };
  }
  const { inline, chunks } = splitRows(result.rows, context.chunkLimits);
  context.results.keepChunks(entry, chunks.map((c) => c.body));
  return {
    success: true,
    code: null,
    message: null,
    data: {
      ...common,
      rowtype: result.columns.map(rowtypeOf),
      rowset: inline,
      total: result.rows.length,
      returned: result.rows.length,
      statementTypeId: result.statementTypeId,
      version: 1,
      queryResultFormat: 'json',
      databaseProvider: null,
      numberOfBinds: 0,
      arrayBindSupported: false,
      sendResultTime: Date.now(),
      ...(chunks.length > 0
        ? {
            chunks: chunks.map((c, index) => ({
              url: `${origin}${PATH_PREFIX_CHUNKS}${entry.queryId}/${index}?key=${entry.chunkKey}`,
              rowCount: c.rowCount,
              uncompressedSize: Buffer.byteLength(c.body),
              compressedSize: Buffer.byteLength(c.body),
            })),
            chunkHeaders: {},
          }
        : {}),
    },
  };
}

/**
 * The session's query context for the driver's cache: the main entry (id 0) and one per database whose
 * hybrid tables the session used, by priority in the order first used; papi local needs no context of
 * its own back, so `context` is empty.
 */
function queryContext(state: SessionState): { entries: Array<{ id: number; timestamp: number; priority: number; context: string }> } {
  const used = state.queryContext ?? [];
  if (used.length === 0) return { entries: [] };
  const main = { id: 0, timestamp: Math.max(...used.map((e) => e.timestamp)), priority: 0, context: '' };
  return { entries: [main, ...used.map((e, i) => ({ id: e.id, timestamp: e.timestamp, priority: i + 1, context: '' }))] };
}

type Row = Array<string | null>;

/** Keeps the first answer small; the rest become chunk bodies (rows joined by commas, no outer brackets). */
export function splitRows(rows: Row[], limits: ChunkLimits): { inline: Row[]; chunks: Array<{ body: string; rowCount: number }> } {
  // Most results (every point lookup) surely fit inline: they are not encoded twice to find out.
  if (rows.length <= limits.firstRows && encodedSizeAtMost(rows) <= limits.firstBytes) return { inline: rows, chunks: [] };
  const encoded = rows.map((row) => JSON.stringify(row));
  let index = 0;
  let bytes = 0;
  while (index < encoded.length && index < limits.firstRows && bytes + encoded[index]!.length <= limits.firstBytes) bytes += encoded[index++]!.length;
  if (index === encoded.length) return { inline: rows, chunks: [] };
  const inline = rows.slice(0, index);
  const chunks: Array<{ body: string; rowCount: number }> = [];
  while (index < encoded.length) {
    const start = index;
    bytes = 0;
    while (index < encoded.length && index - start < limits.chunkRows && (index === start || bytes + encoded[index]!.length <= limits.chunkBytes)) {
      bytes += encoded[index++]!.length + 1;
    }
    chunks.push({ body: encoded.slice(start, index).join(','), rowCount: index - start });
  }
  return { inline, chunks };
}

/** An upper bound of the rows' JSON length: each character escapes to at most 6 (\uXXXX), plus quotes and commas. */
function encodedSizeAtMost(rows: Row[]): number {
  let size = 0;
  for (const row of rows) {
    size += 2;
    for (const value of row) size += value === null ? 5 : value.length * 6 + 3;
  }
  return size;
}

function rowtypeOf(column: Column): Record<string, unknown> {
  const fixed = column.type === 'fixed';
  return {
    name: column.name,
    database: column.database ?? '',
    schema: column.schema ?? '',
    table: column.table ?? '',
    type: column.type,
    nullable: column.nullable,
    precision: column.precision ?? (fixed ? 38 : null),
    scale: column.scale ?? (fixed ? 0 : null),
    length: column.length ?? (column.type === 'text' ? 16_777_216 : null),
    byteLength: column.byteLength ?? (column.type === 'text' ? 16_777_216 : null),
    collation: null,
    // A structured type's insides, described the same way (the driver converts each value by them).
    ...(column.fields ? { fields: column.fields.map(rowtypeOf) } : {}),
  };
}

/** `http://host:port` of the request (its Host header), for chunk URLs that point back at this server. */
export function originOf(host: string | undefined, fallback: () => string): string {
  return host && /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? `http://${host}` : fallback();
}
