// The service's entry point (bundled into service/dist/server.mjs): configuration from the
// environment, the Snowflake store, the app, the port; SIGTERM/SIGINT close the server and the pool.

import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { TtlCache } from './cache.js';
import { createHealthCheck } from './health.js';
import { createLogger } from './log.js';
import { createLookup, type CachedRow } from './lookup.js';
import { readSettings, SettingsError } from './settings.js';
import { createSnowflakeStore } from './store.js';

/** Health answers are reused this long: probes every few seconds cost at most one SELECT 1 each. */
const HEALTH_CACHE_MS = 1500;
/** Connections still open this long after SIGTERM are cut. */
const SHUTDOWN_GRACE_MS = 5000;

function main(): void {
  const log = createLogger((line) => process.stdout.write(line));
  let settings;
  try {
    settings = readSettings(process.env, existsSync);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    for (const problem of error.problems) log.error('config_error', new Error(problem));
    process.exitCode = 2;
    return;
  }

  const store = createSnowflakeStore({
    connection: settings.connection,
    tableSql: settings.tableSql,
    idFormat: settings.idFormat,
    pool: settings.pool,
    timeoutMs: settings.storeTimeoutMs,
    log,
  });
  const cache = new TtlCache<CachedRow>(settings.cache);
  const app = createApp({
    lookup: createLookup({ store, cache, log }),
    health: createHealthCheck(() => store.ping(), {
      cacheMs: HEALTH_CACHE_MS,
      onDown: (error) => log.storeError('health check', error),
    }),
    ids: { format: settings.idFormat, maxIds: settings.maxIds },
    log,
  });

  const server = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, (info: AddressInfo) => {
    log.info('listening', {
      host: settings.host,
      port: info.port,
      auth: settings.connection.kind,
      idFormat: settings.idFormat,
      cacheTtlSeconds: settings.cache.ttlSeconds,
    });
  });
  server.on('error', (error) => {
    log.error('server_error', error);
    process.exitCode = 1;
    void store.close();
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    server.close(() => {
      void store.close().then(() => {
        log.info('stopped');
        // Whatever the driver still holds (sockets, timers) must not keep a stopped service alive.
        setTimeout(() => process.exit(), 1000).unref();
      });
    });
    // Keep-alive connections would hold close() open: cut them after a grace period.
    setTimeout(() => {
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main();
