// HTTP plumbing shared by the SQL API handlers: request bodies (gzip detected by its magic bytes, as
// the driver compresses without always saying so), JSON answers, and Snowflake's failure shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { SqlError } from '../errors.js';

/** A handler mounted on the server: answers and returns true, or returns false when the path is not its own. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new SqlError('000603', '57014', 'Request body too large.');
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req)).toString('utf8');
  if (text.trim() === '') return {};
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, text: string, status = 200, contentType = 'text/plain'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface FailureBody {
  success: false;
  code: string;
  message: string;
  data: { errorCode: string; sqlState: string; queryId?: string; [key: string]: unknown };
  headers: null;
}

/** Snowflake's `{success:false}` answer; the driver turns it into an error with code, sqlState and data. */
export function failure(error: SqlError, queryId?: string, extra: Record<string, unknown> = {}): FailureBody {
  return {
    success: false,
    code: error.code,
    message: error.message,
    data: { ...extra, errorCode: error.code, sqlState: error.sqlState, ...(queryId ? { queryId } : {}) },
    headers: null,
  };
}

/** Anything thrown that is not a SqlError is a bug in papi local, still answered as a failure (never 5xx). */
export function asSqlError(error: unknown): SqlError {
  if (error instanceof SqlError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SqlError('000603', 'XX000', `SQL execution internal error: ${message}`);
}

/** The token in `Authorization: Snowflake Token="…"`. */
export function snowflakeToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Snowflake\s+Token="([^"]*)"\s*$/i.exec(header.trim());
  return match?.[1];
}
