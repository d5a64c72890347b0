// The HTTP API as a pure Hono app: everything it needs comes in `deps`, nothing here binds a port
// or reads the environment (server.ts does), so tests drive it with app.request(). Beside it, the
// hit path: a cache hit answered on the node:http layer before Hono (createHitPath), with the same
// headers, body and log line — defined once here (customerHeaders, customerBody, requestIdFor).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ReadyAnswer } from './cache.js';
import { monotonicMs } from './clock.js';
import type { HealthCheck } from './health.js';
import { parseIds, type IdRules } from './ids.js';
import { rememberFirst } from './memo.js';
import type { Logger } from './log.js';
import { StoreUnavailableError, type CacheOutcome, type Lookup } from './lookup.js';
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
const CUSTOMER_ROUTE = '/customer/:ids';
/** Ids named in a strict-mode 404 before the list is cut short. */
const MISSING_NAMED = 10;
/** The no-cache request directive (RFC 9111 §5.2.1.4) in a Cache-Control list; directive names are case-insensitive (§5.2). */
const NO_CACHE = /(?:^|,)\s*no-cache\s*(?:,|$)/i;
/**
 * Answers a request that carried `Cache-Control: no-cache`: `yes` when its ids were looked up in the
 * table, `off` when the service does not honour it (service.cache.honorNoCache) and answered as usual.
 */
export const CACHE_REFRESH_HEADER = 'X-Cache-Refresh';

/** The request id of an answer: the caller's (or the ingress's) when harmless in logs and headers, else a new one. */
function requestIdFor(incoming: string | undefined): string {
  return incoming !== undefined && INCOMING_REQUEST_ID.test(incoming) ? incoming : newRequestId();
}

/**
 * The last 3 hex digits of request ids, 000 to 3ff, made once: 1,024 ids to a block. A block's text
 * is 36 KiB, made in V8's young generation. Blocks of 4,096 ids (144 KiB) went to its large-object
 * space, old from the start: under load ~1.8 MB of it a second, and a mark-compact every 2–3 s.
 */
const ID_LOWS = Array.from({ length: 1024 }, (_, i) => i.toString(16).padStart(3, '0'));
/** 2^36: the values of the 9 hex digits before them. */
const ID_BLOCKS = 2 ** 36;
let idPrefix = '';
/** The next block (the 9 hex digits after the prefix), and the current block's ids as one text. */
let idBlock = ID_BLOCKS;
let idBlockText = '';
let idLow = ID_LOWS.length;
const ID_LENGTH = 36;

/**
 * A new request id, shaped as a UUID (v4): one random UUID drawn, then its last 12 hex digits count
 * up from a random start, blocks of 1,024 (2^45 ids or more per draw). Unique across processes by
 * the draw's other 74 random bits, at a fraction of the cost of crypto.randomUUID() per request
 * (about 6 % of a cache hit's CPU, side by side under wrk). A block's ids are written as one text at
 * once and each is a slice of it: a flat string the header check and the log line read as it is,
 * where an id joined per request had to be flattened by each (2 % of a hit). Request ids correlate
 * log lines; they are no secret.
 */
export function newRequestId(): string {
  if (idLow === ID_LOWS.length) {
    if (idBlock >= ID_BLOCKS) {
      const uuid = crypto.randomUUID();
      idPrefix = uuid.slice(0, 24);
      // Start in the lower half, so a draw lasts at least 2^35 blocks.
      idBlock = Number.parseInt(uuid.slice(24, 33), 16) % (ID_BLOCKS / 2);
    }
    const head = idPrefix + (idBlock++).toString(16).padStart(9, '0');
    idBlockText = ID_LOWS.map((low) => head + low).join('');
    idLow = 0;
  }
  const at = ID_LENGTH * idLow++;
  return idBlockText.slice(at, at + ID_LENGTH);
}

/**
 * The headers of a 200 answer of /customer besides X-Request-Id (which every answer carries), per
 * X-Cache outcome, built once; lowercase, in the order Hono sends them (its Headers sort by name).
 */
const customerHeaders = (outcome: CacheOutcome): Readonly<Record<string, string>> => Object.freeze({ 'content-type': JSON_TYPE, 'x-cache': outcome });
const CUSTOMER_HEADERS: Record<CacheOutcome, Readonly<Record<string, string>>> = {
  HIT: customerHeaders('HIT'),
  MISS: customerHeaders('MISS'),
  PARTIAL: customerHeaders('PARTIAL'),
  STALE: customerHeaders('STALE'),
};

/** The body of a 200 answer of /customer: the rows are JSON text already, so nothing is serialized per answer. */
function customerBody(rows: readonly string[]): string {
  return rows.length === 1 ? `[${rows[0]}]` : `[${rows.join(',')}]`;
}

/**
 * The answer to a request for one id (RowCache keeps one per row, made when the row is stored): its
 * text and Content-Length. Text rather than bytes: node:http sends a text body in one write with the
 * headers, a Buffer as a write of its own (+1.5 % of cache hits, side by side).
 */
export function readyAnswer(row: string | null): ReadyAnswer {
  const body = customerBody(row === null ? [] : [row]);
  return { body, contentLength: String(Buffer.byteLength(body)) };
}

/** The answer to a request for one id the table does not have. */
const NO_ROW = readyAnswer(null);

export function createApp(deps: AppDeps): Hono<Env> {
  const { lookup, health, log } = deps;
  const retryAfter = String(deps.retryAfterSeconds ?? 5);
  const app = new Hono<Env>();

  app.use(async (c, next) => {
    const started = monotonicMs();
    // A caller's (or the ingress's) request id is kept when it is harmless in logs and headers.
    const requestId = requestIdFor(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    // Set before the handler runs: a header added after next() makes Hono rebuild the response,
    // which costs @hono/node-server its fast path (half the throughput on cache hits).
    c.header('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const ended = monotonicMs();
      log.request({
        requestId,
        method: c.req.method,
        path: c.get('route') ?? '(unmatched)',
        status: c.res.status,
        ids: c.get('idCount'),
        cache: c.get('cache'),
        ms: Math.round((ended - started) * 1000) / 1000,
        at: ended,
      });
    }
  });

  app.get('/', (c) => {
    c.set('route', '/');
    return c.json({ result: 'Nothing to see here' });
  });

  app.get('/customer/:ids', async (c) => {
    c.set('route', CUSTOMER_ROUTE);
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
    return c.body(customerBody(result.rows), 200, CUSTOMER_HEADERS[result.outcome]);
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

/** Answers a request on the node:http layer, or returns false to leave it to the Hono app. */
export type HitPath = (request: IncomingMessage, response: ServerResponse) => boolean;

const CUSTOMER_PREFIX = '/customer/';
/** Host header values remembered as taken or refused (a service sees a handful). */
const HOSTS_REMEMBERED = 64;

/** Whether @hono/node-server takes this Host header (it answers 400 to one it refuses: it must see those). */
function acceptedHost(host: string): boolean {
  try {
    const { hostname } = new URL(`http://${host}/`);
    return hostname.length === host.length || hostname === host.replace(/:\d+$/, '');
  } catch {
    return false;
  }
}

export interface HitPathDeps {
  /**
   * The cache the lookup reads (the service's RowCache), for its ready answers: a hit on one id sends
   * them as they are. Its fresh entries are the lookup's hits (lookup.ts cached()). `now` is the
   * request's start on the monotonic clock (clock.ts monotonicMs): the cache must run on that clock.
   */
  answers?: { readyAnswer(id: string, now: number): ReadyAnswer | null | undefined };
}

/**
 * The hit path: GET /customer/:ids when every id is freshly cached, answered before Hono builds a
 * Request, a Context and a Response for it (on a cache hit those were most of the service's time).
 * It answers only the plainest requests — no query string, no percent-escapes, no Cache-Control,
 * a plain Host — and leaves everything else to the app, which answers them as it always did. What
 * it sends is what the app sends for the same request: the same id parsing, cache read, request id,
 * headers, body and log line.
 */
export function createHitPath(deps: Pick<AppDeps, 'lookup' | 'ids' | 'log'> & HitPathDeps): HitPath {
  const { lookup, log, answers } = deps;
  const cached = lookup.cached?.bind(lookup);
  if (cached === undefined) return () => false;
  const [typeName, typeValue, cacheName, cacheValue] = Object.entries(CUSTOMER_HEADERS.HIT).flat();
  const plainHost = rememberFirst(acceptedHost, HOSTS_REMEMBERED);
  // The answer's headers, filled in per request (writeHead reads them at once and keeps nothing).
  const headers = [typeName!, typeValue!, cacheName!, cacheValue!, 'x-request-id', '', 'Content-Length', ''];
  return (request, response) => {
    const url = request.url;
    if (request.method !== 'GET' || url === undefined || !url.startsWith(CUSTOMER_PREFIX)) return false;
    // The headers as received (request.headers would build an object of all of them): the hit path
    // needs Host and X-Request-Id, and leaves to the app any request with Cache-Control or with
    // either of them twice (how node and Hono combine repeated headers is theirs to apply).
    let host: string | undefined;
    let incomingId: string | undefined;
    const raw = request.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      // The usual spellings first: toLowerCase() makes a new string.
      if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host')) {
        if (host !== undefined) return false;
        host = raw[i + 1]!;
      } else if (name.length === 12 && name.toLowerCase() === 'x-request-id') {
        if (incomingId !== undefined) return false;
        incomingId = raw[i + 1]!;
      } else if (name.length === 13 && name.toLowerCase() === 'cache-control') return false;
    }
    if (host === undefined || !plainHost(host)) return false;
    const started = monotonicMs();
    // Ids are letters, digits, _ and -: a query (?strict=1), an escape or a further segment fails to
    // parse here and goes to the app, which answers it (or refuses it) as it always did.
    const parsed = parseIds(url.slice(CUSTOMER_PREFIX.length), deps.ids);
    if (!parsed.ok) return false;
    const ids = parsed.ids;
    // One id: its ready answer (or none for an id the table does not have), when fresh.
    let ready = ids.length === 1 ? answers?.readyAnswer(ids[0]!, started) : undefined;
    if (ready === null) ready = NO_ROW;
    let body: string;
    let contentLength: string;
    if (ready !== undefined) {
      body = ready.body;
      contentLength = ready.contentLength;
    } else {
      let result;
      try {
        result = cached(ids);
      } catch {
        // The app meets the same failure and answers it as it answers any (500, logged).
        return false;
      }
      if (result === undefined) return false;
      body = customerBody(result.rows);
      contentLength = String(Buffer.byteLength(body));
    }
    const requestId = requestIdFor(incomingId);
    headers[5] = requestId;
    headers[7] = contentLength;
    response.writeHead(200, headers);
    response.end(body);
    const ended = monotonicMs();
    log.request({
      requestId,
      method: 'GET',
      path: CUSTOMER_ROUTE,
      status: 200,
      ids: ids.length,
      cache: 'HIT',
      ms: Math.round((ended - started) * 1000) / 1000,
      at: ended,
    });
    return true;
  };
}
