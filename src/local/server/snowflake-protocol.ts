// The SQL API's side of the wire: JSON request bodies (gzip detected by its magic bytes, as the driver
// compresses without always saying so), the session token header, Snowflake's success and failure
// shapes, and the error answer of the SQL API app: every failure is HTTP 200 with
// `{success:false, code, message, data:{errorCode, sqlState, …}}`, because a 5xx makes the driver
// retry for a minute — except an invalid token (401) and a body too large or not inflatable (4xx).
import type { Context } from 'hono';
import { ErrorCode, SqlError } from '../errors.js';
import type { ErrorAnswer } from '../http/error-middleware.js';
import type { LocalHttpEnv } from '../http/local-http-env.js';
import { BadBodyEncodingError, BodyTooLargeError, readBody, requestHeader } from '../http/request-body.js';

/** Cap on a request body, compressed and inflated. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/**
 * Cap on the bodies of what anybody may call before logging in (login, OAuth token, token renewal):
 * a login is a few KB, and a gzip bomb there must not cost papi local its memory.
 */
export const MAX_LOGIN_BODY_BYTES = 1024 * 1024;

/** The request's JSON object ({} for an empty body or a JSON value that is not an object). */
export async function readJson(c: Context<LocalHttpEnv>, maxBytes = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const text = (await readBody(c, { maxBytes, gunzip: true })).toString('utf8');
  if (text.trim() === '') return {};
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The token in `Authorization: Snowflake Token="…"`. */
export function snowflakeToken(c: Context<LocalHttpEnv>): string | undefined {
  const header = requestHeader(c, 'authorization');
  if (!header) return undefined;
  const match = /^Snowflake\s+Token="([^"]*)"\s*$/i.exec(header.trim());
  return match?.[1];
}

export const ok = (data: unknown = null) => ({ success: true, code: null, message: null, data });

export interface FailureBody {
  success: false;
  code: string;
  message: string;
  data: { errorCode: string; sqlState: string; queryId?: string; [key: string]: unknown };
  headers: null;
}

/** Snowflake's `{success:false}` answer; the driver turns it into an error with code, sqlState and data. */
export function failure(error: SqlError, queryId?: string, extra: Record<string, unknown> = {}): FailureBody {
  // Snowflake marks a statement that failed to compile with data.type COMPILATION; the driver's callers read it.
  const type = error.message.startsWith('SQL compilation error') ? { type: 'COMPILATION' } : {};
  return {
    success: false,
    code: error.code,
    message: error.message,
    data: { ...extra, errorCode: error.code, sqlState: error.sqlState, ...type, ...(queryId ? { queryId } : {}) },
    headers: null,
  };
}

/** Anything thrown that is not a SqlError is a bug in papi local, still answered as a failure (never 5xx). */
export function asSqlError(error: unknown): SqlError {
  if (error instanceof SqlError) return error;
  if (error instanceof BodyTooLargeError) return new SqlError('000603', '54000', 'Request body too large.');
  if (error instanceof BadBodyEncodingError) return new SqlError('000603', '08P01', 'Request body is not valid gzip.');
  const message = error instanceof Error ? error.message : String(error);
  return new SqlError('000603', 'XX000', `SQL execution internal error: ${message}`);
}

/**
 * The SQL API app's error answer: Snowflake's failure shape, with HTTP 200 (a 5xx would make the driver
 * retry for a minute) — except a session token that is not valid at all, which Snowflake answers with
 * HTTP 401: only then does the driver raise its own invalid-token error (an expired token stays 200 and
 * 390112, which the driver answers by renewing).
 */
export const answerSnowflakeFailure: ErrorAnswer = (error, c) => {
  const sqlError = asSqlError(error);
  return c.json(failure(sqlError), httpStatus(error, sqlError));
};

/**
 * A body too large (compressed or inflated) or not valid gzip is the request's fault: a 4xx, which the
 * driver does not retry (it retries 5xx, 408 and 429), so a bomb is refused once, not for a minute.
 */
function httpStatus(error: unknown, sqlError: SqlError): 200 | 400 | 401 | 413 {
  if (error instanceof BodyTooLargeError) return 413;
  if (error instanceof BadBodyEncodingError) return 400;
  return sqlError.code === ErrorCode.sessionTokenInvalid ? 401 : 200;
}
