// The API service as it runs in SPCS (createApp, TTL cache, lookup, JSON request log on stdout),
// served by @hono/node-server, with an in-memory store in place of Snowflake. Bundled with esbuild
// by bench-service (it imports service/src), run as a child process; reports its port over IPC.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../../../service/src/app.js';
import { RowCache } from '../../../service/src/cache.js';
import { createHealthCheck } from '../../../service/src/health.js';
import { createLogger } from '../../../service/src/log.js';
import { createLookup } from '../../../service/src/lookup.js';
import { MemoryStore } from '../../../service/src/__tests__/memory-store.js';
import { SAMPLE_USERS, sampleTitles } from './sample-rows.js';

const store = new MemoryStore(new Map(Array.from({ length: SAMPLE_USERS }, (_, i) => [String(i + 1), sampleTitles(i + 1)])));
const log = createLogger((line) => process.stdout.write(line));
const cache = new RowCache({ ttlSeconds: 180, maxEntries: 100_000, maxStaleSeconds: 3600, maxBytes: 256 * 1024 * 1024, maxNegativeEntries: 10_000 });
const app = createApp({
  lookup: createLookup({ store, cache, log }),
  health: createHealthCheck(() => store.ping(), { cacheMs: 1500 }),
  ids: { format: 'numeric', maxIds: 100 },
  log,
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => process.send?.({ port: info.port }));
process.on('disconnect', () => {
  server.close();
  process.exit(0);
});
