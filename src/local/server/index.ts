// papi local's SQL API: a Hono app speaking the protocol snowflake-sdk uses (see the handlers). Every
// failure of a login or a query is HTTP 200 with Snowflake's `{success:false}` shape (the app's error
// middleware): a 5xx would make the driver retry for a minute. startLocal serves it on the account
// URL, with the image registry routed beside it; paths nobody serves answer 404.
import { Hono, type Context } from 'hono';
import type { Engine } from '../engine/types.js';
import { SqlError } from '../errors.js';
import { answerErrorsWith } from '../http/error-middleware.js';
import type { LocalHttpEnv } from '../http/local-http-env.js';
import { requestHeader } from '../http/request-body.js';
import type { LocalTokenAuthority } from '../tokens.js';
import { login, loginAnswer, type PasswordVerifier } from './login.js';
import { handleOAuthToken } from './oauth-grant.js';
import {
  answerFor,
  DEFAULT_CHUNK_LIMITS,
  handleQueryRequest,
  originOf,
  PATH_PREFIX_CHUNKS,
  queryMonitoring,
  statementNotFound,
  type ChunkLimits,
} from './query-requests.js';
import { ResultStore } from './results.js';
import { SessionTable, type Session } from './sessions.js';
import { answerSnowflakeFailure, failure, MAX_LOGIN_BODY_BYTES, ok, readJson, snowflakeToken } from './snowflake-protocol.js';

export interface SqlApiOptions {
  tokens: LocalTokenAuthority;
  chunkLimits?: ChunkLimits;
}

/** What answers the SQL: attached once the engine is open (it needs the port the server got). */
export interface SqlBackend {
  engine: Engine;
  /** The account name, as in CURRENT_ACCOUNT() and the key-pair JWT's iss/sub. */
  account: string;
  verifyPassword: PasswordVerifier;
}

export interface SqlApi {
  /** The SQL API's routes, error middleware and Snowflake-shaped 404s. */
  readonly app: Hono<LocalHttpEnv>;
  /** Connects the engine; until then every SQL API call fails (Snowflake-shaped) as "starting". */
  attach(backend: SqlBackend): void;
  readonly sessions: SessionTable;
  /** Removes what results keep on disk. */
  close(): void;
}

export function createSqlApi(options: SqlApiOptions): SqlApi {
  const { tokens } = options;
  const sessions = new SessionTable(tokens);
  const results = new ResultStore();
  const chunkLimits = options.chunkLimits ?? DEFAULT_CHUNK_LIMITS;
  let backend: SqlBackend | undefined;

  const attached = (): SqlBackend => {
    if (!backend) throw new SqlError('390400', '08001', 'papi local is starting; try again in a moment.');
    return backend;
  };
  /** The session behind the request's `Authorization: Snowflake Token="…"` (Snowflake-shaped failure otherwise). */
  const session = (c: Context<LocalHttpEnv>): Session => {
    attached();
    return sessions.authenticate(snowflakeToken(c));
  };

  const app = new Hono<LocalHttpEnv>();
  app.onError(answerErrorsWith(answerSnowflakeFailure));
  app.notFound((c) => {
    try {
      // As on Snowflake, the session is checked before the path: a bad token fails, a good one gets 404.
      if (isSessionPath(c.req.path)) session(c);
      else attached();
    } catch (error) {
      return answerSnowflakeFailure(error, c);
    }
    return c.json({ success: false, code: '404', message: `Not found: ${c.req.method} ${c.req.path}`, data: null }, 404);
  });

  app.post('/session/v1/login-request', async (c) => {
    const { engine, account, verifyPassword } = attached();
    const body = await readJson(c, MAX_LOGIN_BODY_BYTES);
    const data = (typeof body.data === 'object' && body.data !== null ? body.data : {}) as Record<string, unknown>;
    const state = await login({ engine, tokens, account, verifyPassword }, { data, query: new URL(c.req.url).searchParams });
    const opened = sessions.open(state);
    return c.json(ok(loginAnswer(state, Number(opened.session.id), opened.tokens)));
  });

  app.post('/oauth/token', (c) => {
    const { engine, account } = attached();
    return handleOAuthToken({ engine, tokens, account }, c);
  });

  // Chunk URLs carry their own key, like a presigned URL: the driver sends no session token.
  app.get(`${PATH_PREFIX_CHUNKS}:queryId/:index`, (c) => {
    attached();
    const body = results.chunk(c.req.param('queryId'), Number(c.req.param('index')), c.req.query('key') ?? null);
    return body === undefined ? c.body('not found', 404, { 'content-type': 'text/plain' }) : c.body(body, 200, { 'content-type': 'application/octet-stream' });
  });

  app.post('/session/token-request', async (c) => {
    attached();
    const body = await readJson(c, MAX_LOGIN_BODY_BYTES);
    const token = snowflakeToken(c);
    if (String(body.requestType ?? '').toUpperCase() === 'ISSUE') {
      const issued = sessions.issueSessionToken(sessions.sessionOfAnyToken(token));
      return c.json(ok({ sessionToken: issued.token, validityInSecondsST: issued.validityInSeconds, sessionId: Number(issued.session.id) }));
    }
    const renewed = sessions.renew(token);
    return c.json(
      ok({
        sessionToken: renewed.tokens.token,
        validityInSecondsST: renewed.tokens.validityInSeconds,
        masterToken: renewed.tokens.masterToken,
        validityInSecondsMT: renewed.tokens.masterValidityInSeconds,
        sessionId: Number(renewed.session.id),
      }),
    );
  });

  app.post('/telemetry/send', (c) => {
    attached();
    return c.json(ok('Log Received'));
  });

  app.post('/queries/v1/query-request', async (c) => {
    const { engine } = attached();
    const caller = session(c);
    const body = await readJson(c);
    const origin = originOf(requestHeader(c, 'host'), () => fallbackOrigin(c));
    return c.json(await handleQueryRequest({ engine, results, chunkLimits }, caller, body, c.req.query('requestId') ?? null, origin));
  });

  app.post('/session/heartbeat', (c) => {
    session(c);
    return c.json(ok({}));
  });

  app.post('/session', (c) => {
    const caller = session(c);
    if (c.req.query('delete') !== 'true') return c.notFound();
    sessions.close(caller.id);
    return c.json(ok());
  });

  // Cancels a running statement of the caller's session, named by query id in the path or, before
  // the driver knows the id, by its request id (/queries/v1/abort-request {requestId}). It then fails
  // with 000604; a statement that already ended is left as it is.
  app.post('/queries/:queryId/abort-request', async (c) => {
    const caller = session(c);
    const queryId = c.req.param('queryId');
    let entry = queryId === 'v1' ? undefined : results.get(queryId);
    if (queryId === 'v1') {
      const { requestId } = await readJson(c);
      entry = typeof requestId === 'string' ? results.forRequest(caller.id, requestId) : undefined;
    }
    if (entry && entry.sessionId === caller.id && entry.status === 'RUNNING') entry.abort.abort();
    return c.json(ok());
  });

  app.get('/queries/:queryId/result', async (c) => {
    const caller = session(c);
    const queryId = c.req.param('queryId');
    const entry = results.get(queryId);
    if (!entry || entry.user !== caller.state.user) return c.json(failure(statementNotFound(queryId), queryId));
    return c.json(await answerFor(entry));
  });

  app.get('/monitoring/queries/:queryId', (c) => {
    const caller = session(c);
    const entry = results.get(c.req.param('queryId'));
    return c.json(queryMonitoring(entry && entry.user === caller.state.user ? entry : undefined));
  });

  return { app, sessions, attach: (attachedBackend) => void (backend = attachedBackend), close: () => results.close() };
}

/** Paths that need a session: the SQL API proper. */
function isSessionPath(path: string): boolean {
  return path.startsWith('/queries/') || path.startsWith('/monitoring/') || path === '/session' || path === '/session/heartbeat';
}

/** This server's own origin when a request names no usable Host (chunk URLs must point back here). */
function fallbackOrigin(c: Context<LocalHttpEnv>): string {
  const port = c.env?.incoming?.socket.localPort;
  return port ? `http://127.0.0.1:${port}` : new URL(c.req.url).origin;
}
