// The HTTP API as a pure Hono app: everything it needs comes in `deps`, nothing here binds a port
// or reads the environment (server.ts does), so tests drive it with app.request().

import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HealthCheck } from './health.js';
import { parseIds, type IdRules } from './ids.js';
import type { Logger } from './log.js';
import { StoreUnavailableError, type Lookup } from './lookup.js';
import { TEST_PAGE_CSP, TEST_PAGE_HTML } from './page.js';

export interface AppDeps {
  lookup: Lookup;
  health: HealthCheck;
  ids: IdRules;
  log: Logger;
  /** Retry-After (seconds) on a 503 when the store is unreachable. */
  retryAfterSeconds?: number;
  /** Whether a request's `Cache-Control: no-cache` makes the lookup ask the table (PAPI_CACHE_HONOR_NO_CACHE). */
  honorNoCache?: boolean;
}

type Env = {
  Variables: {
    requestId: string;
    /** Route template for the log line; unset when no route matched. */
    route?: string;
    idCount?: number;
    cache?: string;
  };
};

const INCOMING_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const JSON_TYPE = 'application/json';
/** The headers of every 200 answer of /customer, built once. */
const JSON_HEADERS = { 'Content-Type': JSON_TYPE } as const;
/** Ids named in a strict-mode 404 before the list is cut short. */
const MISSING_NAMED = 10;
/** The no-cache request directive (RFC 9111 §5.2.1.4) in a Cache-Control list; directive names are case-insensitive (§5.2). */
const NO_CACHE = /(?:^|,)\s*no-cache\s*(?:,|$)/i;
/**
 * Answers a request that carried `Cache-Control: no-cache`: `yes` when its ids were looked up in the
 * table, `off` when the service does not honour it (service.cache.honorNoCache) and answered as usual.
 */
export const CACHE_REFRESH_HEADER = 'X-Cache-Refresh';

export function createApp(deps: AppDeps): Hono<Env> {
  const { lookup, health, log } = deps;
  const retryAfter = String(deps.retryAfterSeconds ?? 5);
  const app = new Hono<Env>();

  app.use(async (c, next) => {
    const started = performance.now();
    // A caller's (or the ingress's) request id is kept when it is harmless in logs and headers.
    const incoming = c.req.header('x-request-id');
    const requestId = incoming !== undefined && INCOMING_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    // Set before the handler runs: a header added after next() makes Hono rebuild the response,
    // which costs @hono/node-server its fast path (half the throughput on cache hits).
    c.header('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      log.request({
        requestId,
        method: c.req.method,
        path: c.get('route') ?? '(unmatched)',
        status: c.res.status,
        ids: c.get('idCount'),
        cache: c.get('cache'),
        ms: Math.round((performance.now() - started) * 1000) / 1000,
      });
    }
  });

  app.get('/', (c) => {
    c.set('route', '/');
    return c.json({ result: 'Nothing to see here' });
  });

  app.get('/customer/:ids', async (c) => {
    c.set('route', '/customer/:ids');
    const parsed = parseIds(c.req.param('ids'), deps.ids);
    if (!parsed.ok) return errorResponse(c, 400, parsed.error);
    c.set('idCount', parsed.ids.length);
    const noCache = NO_CACHE.test(c.req.header('cache-control') ?? '');
    const refresh = noCache && deps.honorNoCache === true;
    if (noCache) c.header(CACHE_REFRESH_HEADER, refresh ? 'yes' : 'off');
    // A hit is answered without a promise; anything else goes through find().
    let result = refresh ? undefined : lookup.cached?.(parsed.ids);
    try {
      result ??= await lookup.find(parsed.ids, refresh ? { refresh } : undefined);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      c.set('cache', 'MISS');
      c.header('Retry-After', retryAfter);
      return errorResponse(c, 503, 'The data store is unavailable; try again shortly.');
    }
    c.set('cache', result.outcome);
    c.header('X-Cache', result.outcome);
    // Only a request with missing ids needs its query string parsed.
    const strict = result.missing.length > 0 ? c.req.query('strict') : undefined;
    if ((strict === '1' || strict === 'true') && result.missing.length > 0) {
      const named = result.missing.slice(0, MISSING_NAMED).join(', ');
      const more = result.missing.length > MISSING_NAMED ? ` and ${result.missing.length - MISSING_NAMED} more` : '';
      return errorResponse(c, 404, `Not found: ${named}${more}`);
    }
    // The rows are JSON text already: the body is their concatenation, no serialization per hit.
    return c.body(`[${result.rows.join(',')}]`, 200, JSON_HEADERS);
  });

  app.get('/test', (c) => {
    c.set('route', '/test');
    c.header('Content-Security-Policy', TEST_PAGE_CSP);
    c.header('Cache-Control', 'no-store');
    return c.html(TEST_PAGE_HTML);
  });

  app.get('/healthz', async (c) => {
    c.set('route', '/healthz');
    c.header('Cache-Control', 'no-store');
    return (await health()) ? c.json({ status: 'ok' }) : c.json({ status: 'unavailable' }, 503);
  });

  app.notFound((c) => errorResponse(c, 404, 'Not found!'));

  app.onError((error, c) => {
    log.error('unhandled_error', error, { requestId: c.get('requestId') ?? '' });
    return errorResponse(c, 500, 'Internal server error');
  });

  return app;
}

function errorResponse(c: Context<Env>, status: ContentfulStatusCode, message: string): Response {
  const requestId = c.get('requestId');
  c.header('X-Request-Id', requestId);
  return c.json({ error: message, requestId }, status);
}
