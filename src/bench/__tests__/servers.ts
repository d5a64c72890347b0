// Real HTTP servers on loopback for the bench tests: a node:http server whose behaviour per request
// a test decides, and the API service (createApp + in-memory store) served by @hono/node-server.
import { serve } from '@hono/node-server';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../service/src/app.js';
import { RowCache } from '../../../service/src/cache.js';
import { createHealthCheck } from '../../../service/src/health.js';
import { silentLogger } from '../../../service/src/log.js';
import { createLookup } from '../../../service/src/lookup.js';
import { MemoryStore } from '../../../service/src/__tests__/memory-store.js';

export interface TestServer {
  url: string;
  /** Requests received, in order of arrival. */
  paths: string[];
  /** Most requests being handled at once. */
  maxConcurrent: number;
  /** Connections accepted. */
  connections: number;
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, index: number) => void;

export const answer = (res: http.ServerResponse, status = 200, cache = 'HIT') =>
  res.writeHead(status, { 'Content-Type': 'application/json', 'X-Cache': cache }).end('[]');

export async function startServer(handler: Handler = (_req, res) => answer(res)): Promise<TestServer> {
  let concurrent = 0;
  const state: TestServer = { url: '', paths: [], maxConcurrent: 0, connections: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    const index = state.paths.push(req.url ?? '') - 1;
    concurrent++;
    state.maxConcurrent = Math.max(state.maxConcurrent, concurrent);
    res.on('close', () => concurrent--);
    handler(req, res, index);
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Answers at once, except that from request `at` on it stops answering for `ms`, once. */
export function pausingHandler(at: number, ms: number): Handler {
  let pause: Promise<void> | undefined;
  return (_req, res, index) => {
    if (index === at) pause = new Promise((resolve) => setTimeout(resolve, ms)).then(() => void (pause = undefined));
    if (pause) void pause.then(() => answer(res));
    else answer(res);
  };
}

/** The API service with an in-memory store of users 1..users, on loopback. */
export async function startService(users: number, options: { honorNoCache?: boolean } = {}): Promise<{ url: string; store: MemoryStore; close(): Promise<void> }> {
  const store = new MemoryStore(new Map(Array.from({ length: users }, (_, i) => [String(i + 1), [{ title: `T${i + 1}` }]])));
  const cache = new RowCache({ ttlSeconds: 180, maxEntries: 10_000, maxStaleSeconds: 3600, maxBytes: 256 * 1024 * 1024, maxNegativeEntries: 10_000 });
  const app = createApp({
    lookup: createLookup({ store, cache, log: silentLogger }),
    health: createHealthCheck(() => store.ping(), { cacheMs: 1000 }),
    ids: { format: 'numeric', maxIds: 100 },
    log: silentLogger,
    honorNoCache: options.honorNoCache,
  });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ server: s, port: info.port }));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Servers started through `trackedServer` in a test file, closed by `closeTrackedServers` (afterEach). */
const tracked: TestServer[] = [];

export async function trackedServer(handler?: Handler): Promise<TestServer> {
  const s = await startServer(handler);
  tracked.push(s);
  return s;
}

export async function closeTrackedServers(): Promise<void> {
  for (const s of tracked.splice(0)) await s.close();
}
