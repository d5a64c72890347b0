// The service's entry point (bundled into service/dist/server.mjs): configuration from the
// environment, the Snowflake store, the app, the port; SIGTERM/SIGINT close the server and the pool.

import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createLogger } from './log.js';
import { createService } from './service.js';
import { readSettings, SettingsError } from './settings.js';

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

  const service = createService(settings, log);
  const server = serve({ fetch: service.app.fetch, port: settings.port, hostname: settings.host }, (info: AddressInfo) => {
    log.info('listening', {
      host: settings.host,
      port: info.port,
      auth: settings.connection.kind,
      idFormat: settings.idFormat,
      cacheTtlSeconds: settings.cache.ttlSeconds,
      honorNoCache: settings.cache.honorNoCache,
    });
  });
  server.on('error', (error) => {
    log.error('server_error', error);
    process.exitCode = 1;
    void service.close();
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    // close() drops the connections idle now; those busy with a request become idle only after it,
    // and a client's keep-alive would hold close() open for seconds: drop them as they go idle.
    const sweep = setInterval(() => {
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    }, 50).unref();
    server.close(() => {
      clearInterval(sweep);
      void service.close().then(() => {
        log.info('stopped');
        // Whatever the driver still holds (sockets, timers) must not keep a stopped service alive.
        setTimeout(() => process.exit(), 1000).unref();
      });
    });
    // Requests still running after a grace period are cut.
    setTimeout(() => {
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main();
