// papi local's SQL API server: node:http with keep-alive on 127.0.0.1, speaking the protocol
// snowflake-sdk uses (see the handlers). Every failure of a login or a query is HTTP 200 with
// Snowflake's `{success:false}` shape: a 5xx would make the driver retry for a minute. Other parts
// (the image registry) mount their own handlers, tried first (they answer only their own paths);
// paths nobody claims answer 404.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../engine/types.js';
import { SqlError } from '../errors.js';
import type { LocalTokenAuthority } from '../tokens.js';
import { asSqlError, failure, readJson, sendJson, sendText, snowflakeToken, type HttpHandler } from './http.js';
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
import { SessionTable } from './sessions.js';

export type { HttpHandler } from './http.js';

export interface SqlApiServerOptions {
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

export interface SqlApiServer {
  /** Listens on 127.0.0.1 (port 0 = any free one) and returns the port. */
  listen(port: number): Promise<number>;
  /** Connects the engine; until then every SQL API call fails (Snowflake-shaped) as "starting". */
  attach(backend: SqlBackend): void;
  /** Adds a handler tried, in order, for paths the SQL API does not serve (the registry's /v2/ and /login). */
  mount(handler: HttpHandler): void;
  readonly sessions: SessionTable;
  readonly http: Server;
  close(): Promise<void>;
}

const ok = (data: unknown = null) => ({ success: true, code: null, message: null, data });

export function createSqlApiServer(options: SqlApiServerOptions): SqlApiServer {
  const { tokens } = options;
  const sessions = new SessionTable(tokens);
  const results = new ResultStore();
  const mounted: HttpHandler[] = [];
  const chunkLimits = options.chunkLimits ?? DEFAULT_CHUNK_LIMITS;
  let backend: SqlBackend | undefined;
  let fallbackOrigin = 'http://127.0.0.1';

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const handler of mounted) if (await handler(req, res)) return;
    if (!backend) return sendJson(res, failure(new SqlError('390400', '08001', 'papi local is starting; try again in a moment.')));
    const { engine, account, verifyPassword } = backend;
    const queryContext = { engine, results, chunkLimits };
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const origin = originOf(req, fallbackOrigin);

    if (method === 'POST' && path === '/session/v1/login-request') {
      const body = await readJson(req);
      const data = (typeof body.data === 'object' && body.data !== null ? body.data : {}) as Record<string, unknown>;
      const state = await login({ engine, tokens, account, verifyPassword }, { data, query: url.searchParams });
      const { session, tokens: issued } = sessions.open(state);
      return sendJson(res, ok(loginAnswer(state, Number(session.id), issued)));
    }
    if (method === 'POST' && path === '/oauth/token') return handleOAuthToken({ engine, tokens, account }, req, res);
    if (method === 'GET' && path.startsWith(PATH_PREFIX_CHUNKS)) {
      // Chunk URLs carry their own key, like a presigned URL: the driver sends no session token.
      const [queryId, index] = path.slice(PATH_PREFIX_CHUNKS.length).split('/');
      const body = results.chunk(queryId ?? '', Number(index), url.searchParams.get('key'));
      return body === undefined ? sendText(res, 'not found', 404) : sendText(res, body, 200, 'application/octet-stream');
    }
    if (method === 'POST' && path === '/session/token-request') {
      const body = await readJson(req);
      const token = snowflakeToken(req);
      if (String(body.requestType ?? '').toUpperCase() === 'ISSUE') {
        const session = sessions.sessionOfAnyToken(token);
        const issued = sessions.issueSessionToken(session);
        return sendJson(res, ok({ sessionToken: issued.token, validityInSecondsST: issued.validityInSeconds, sessionId: Number(issued.session.id) }));
      }
      const { session, tokens: issued } = sessions.renew(token);
      return sendJson(res, ok({
        sessionToken: issued.token,
        validityInSecondsST: issued.validityInSeconds,
        masterToken: issued.masterToken,
        validityInSecondsMT: issued.masterValidityInSeconds,
        sessionId: Number(session.id),
      }));
    }
    if (method === 'POST' && path === '/telemetry/send') {
      req.resume();
      return sendJson(res, ok('Log Received'));
    }

    if (isSqlApiPath(path)) {
      const session = sessions.authenticate(snowflakeToken(req));
      if (method === 'POST' && path === '/queries/v1/query-request') {
        const body = await readJson(req);
        return sendJson(res, await handleQueryRequest(queryContext, session, body, url.searchParams.get('requestId'), origin));
      }
      if (method === 'POST' && path === '/session/heartbeat') return sendJson(res, ok({}));
      if (method === 'POST' && path === '/session' && url.searchParams.get('delete') === 'true') {
        sessions.close(session.id);
        return sendJson(res, ok());
      }
      if (method === 'POST' && (path === '/queries/v1/abort-request' || /^\/queries\/[^/]+\/abort-request$/.test(path))) {
        // DuckDB statements are short and cannot be interrupted here; the driver only needs the acknowledgement.
        req.resume();
        return sendJson(res, ok());
      }
      const result = /^\/queries\/([^/]+)\/result$/.exec(path);
      if (method === 'GET' && result) {
        const entry = results.get(result[1]!);
        if (!entry || entry.user !== session.state.user) return sendJson(res, failure(statementNotFound(result[1]!), result[1]));
        return sendJson(res, await answerFor(entry));
      }
      const monitoring = /^\/monitoring\/queries\/([^/]+)$/.exec(path);
      if (method === 'GET' && monitoring) {
        const entry = results.get(monitoring[1]!);
        return sendJson(res, queryMonitoring(entry && entry.user === session.state.user ? entry : undefined));
      }
    }

    sendJson(res, { success: false, code: '404', message: `Not found: ${method} ${path}`, data: null }, 404);
  }

  const http = createServer({ keepAlive: true }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      // Login and query failures are HTTP 200 with Snowflake's failure shape: the driver reads them.
      sendJson(res, failure(asSqlError(error)));
    });
  });
  http.keepAliveTimeout = 65_000;

  return {
    sessions,
    http,
    attach: (attached) => void (backend = attached),
    mount: (handler) => void mounted.push(handler),
    listen: (port) =>
      new Promise<number>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, '127.0.0.1', () => {
          http.off('error', reject);
          const bound = (http.address() as AddressInfo).port;
          fallbackOrigin = `http://127.0.0.1:${bound}`;
          resolve(bound);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!http.listening) return resolve();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

function isSqlApiPath(path: string): boolean {
  return path.startsWith('/queries/') || path.startsWith('/monitoring/') || path === '/session' || path === '/session/heartbeat';
}
