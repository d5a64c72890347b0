// Logs: one JSON line per event on the given sink (stdout in server.ts). Never ids, SQL or secrets:
// request lines carry the route template and an id count, error lines a code and a short message.

export interface RequestLogLine {
  requestId: string;
  method: string;
  /** The route template, e.g. /customer/:ids — never the ids themselves. */
  path: string;
  status: number;
  ids?: number;
  cache?: string;
  ms: number;
}

export interface Logger {
  request(line: RequestLogLine): void;
  info(event: string, fields?: Record<string, string | number | boolean>): void;
  /** An error from the store (or the driver under it), without secrets. */
  storeError(during: string, error: unknown): void;
  error(event: string, error: unknown, fields?: Record<string, string | number>): void;
}

const MESSAGE_LIMIT = 300;

export function createLogger(write: (line: string) => void): Logger {
  const emit = (level: string, fields: object): void => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, ...fields })}\n`);
  };
  return {
    request: (line) => emit(line.status >= 500 ? 'error' : 'info', { event: 'request', ...line }),
    info: (event, fields = {}) => emit('info', { event, ...fields }),
    storeError: (during, error) => emit('error', { event: 'store_error', during, ...describeError(error) }),
    error: (event, error, fields = {}) => emit('error', { event, ...fields, ...describeError(error) }),
  };
}

/** A discarding logger, for code that must log somewhere. */
export const silentLogger: Logger = createLogger(() => undefined);

/**
 * The parts of an error safe to log: its name, Snowflake's code and SQLSTATE when present, and its
 * message on one line, shortened and with anything that looks like a token masked.
 */
export function describeError(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return { error: 'non-error thrown' };
  const described: Record<string, string> = { error: error.name };
  const { code, sqlState } = error as Error & { code?: unknown; sqlState?: unknown };
  if (typeof code === 'string' || typeof code === 'number') described.code = String(code);
  if (typeof sqlState === 'string') described.sqlState = sqlState;
  described.message = maskSecrets(error.message.replace(/\s+/g, ' ')).slice(0, MESSAGE_LIMIT);
  return described;
}

/** Long base64/JWT-like runs (tokens, keys) become "***". */
export function maskSecrets(text: string): string {
  return text.replace(/[A-Za-z0-9+/_=.-]{40,}/g, '***');
}
