// The service's warm-up, before it says it is ready: requests of its own through its own HTTP code,
// so that the first second of real traffic does not run on code V8 has not compiled yet. Measured
// on papi local (a cold cache at 1,000 requests/s right after deploy, 5 s runs): with every process
// already warm but the cache cold, p90 8 ms; with a freshly started service, p90 35–61 ms — the
// misses were not what cost, a new process's first thousand requests were.
//
// Each round asks for a few ids no user is likely to have (the largest numbers, or `papi-warm-up-…`)
// at once, so they miss and go to the store as one batch, and then asks for them again, hits: the
// miss path (the app, the lookup, the driver) and the hit path both run. The requests go through a
// throwaway node:http server on 127.0.0.1 with the same handler as the service's (createServer),
// never through the service's port; their request log lines are made and not written (other
// requests' are, as always); their cache entries are removed afterwards, so the cache is as cold as
// before (an id that did exist was looked up correctly and is forgotten again).

import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IdFormat } from './ids.js';

export interface WarmUpOptions {
  /** Requests in all (0: none). */
  requests: number;
  /** Requests at once, each round's new ids (one store batch a round). */
  concurrency: number;
  idFormat: IdFormat;
}

/** Warm-up requests by default (server.ts): about 0.5 s at start on a 2-core machine, a few dozen lookups. */
export const WARM_UP_REQUESTS = 3_000;
export const WARM_UP_CONCURRENCY = 16;
/** Each round asks for its new ids once (misses) and then this many times more (hits). */
const HITS_PER_MISS = 5;
/**
 * The warm-up's mark: on the request ids it sends (X-Request-Id), whose log lines are not written
 * (real requests may come meanwhile — the port is open; papi dev sends them at once — and are logged
 * as always), and on its alphanumeric ids.
 */
export const WARM_UP_REQUEST_ID_PREFIX = 'papi-warm-up-';

export interface WarmUpResult {
  requests: number;
  /** The ids asked for, to be removed from the cache. */
  ids: string[];
  /** Answers that were not 200. */
  failed: number;
}

/** The round's ids: 38-digit numbers counting down from the largest, or `papi-warm-up-<n>`. */
export function warmUpId(n: number, format: IdFormat): string {
  if (format === 'alphanumeric') return `${WARM_UP_REQUEST_ID_PREFIX}${n}`;
  const largest = 10n ** 38n - 1n;
  return String(largest - BigInt(n));
}

/** Sends the warm-up requests to `server` (listening on 127.0.0.1 from here, closed at the end). */
export async function warmUp(server: Server, options: WarmUpOptions): Promise<WarmUpResult> {
  const ids: string[] = [];
  let failed = 0;
  let sent = 0;
  if (options.requests <= 0) return { requests: 0, ids, failed };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const get = (id: string) =>
    new Promise<void>((resolve) => {
      sent++;
      const req = request({ host: '127.0.0.1', port, path: `/customer/${id}`, headers: { 'x-request-id': `${WARM_UP_REQUEST_ID_PREFIX}${sent}` }, agent }, (response) => {
        if (response.statusCode !== 200) failed++;
        response.resume();
        response.once('end', resolve);
      });
      req.once('error', () => {
        failed++;
        resolve();
      });
      req.end();
    });
  try {
    for (let round = 0; sent < options.requests; round++) {
      const fresh = Array.from({ length: options.concurrency }, (_, i) => warmUpId(round * options.concurrency + i, options.idFormat));
      ids.push(...fresh);
      for (let pass = 0; pass <= HITS_PER_MISS && sent < options.requests; pass++) await Promise.all(fresh.map(get));
    }
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }
  return { requests: sent, ids, failed };
}
