// The service's entry point (bundled into service/dist/server.mjs): configuration from the
// environment, the Snowflake store, the app, the port; SIGTERM/SIGINT close the server and the pool.

import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServiceServer } from './http-server.js';
import { createLogger, LOG_BATCH_MS, stdoutSink } from './log.js';
import { createService } from './service.js';
import { readSettings, SettingsError } from './settings.js';
import { WARM_UP_CONCURRENCY } from './warm-up.js';

/** Connections still open this long after SIGTERM are cut. */
const SHUTDOWN_GRACE_MS = 5000;
/**
 * Connections waiting to be accepted (node's default is 511). A burst of new connections past the
 * queue has its SYNs dropped and retried by the client after 1, 3, 7 s: a cold cache under 1,000
 * requests/s showed exactly those latencies (TcpExtListenOverflows) until the queue was deeper.
 * The kernel caps it at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 4096;

function main(): void {
  const log = createLogger(stdoutSink(), { batchMs: LOG_BATCH_MS });
  let settings;
  try {
    settings = readSettings(process.env, existsSync);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    for (const problem of error.problems) log.error('config_error', new Error(problem));
    log.flush();
    process.exitCode = 2;
    return;
  }

  const service = createService(settings, log);
  const server = createServiceServer(service, settings.host);
  // Before readiness: the first second of traffic must not be the new process's JIT warm-up.
  void service.warmUp(createServiceServer(service, '127.0.0.1'), { requests: settings.warmUpRequests, concurrency: WARM_UP_CONCURRENCY, idFormat: settings.idFormat });
  server.listen({ port: settings.port, host: settings.host, backlog: LISTEN_BACKLOG }, () => {
    const info = server.address() as AddressInfo;
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
        setTimeout(() => {
          log.flush();
          process.exit();
        }, 1000).unref();
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
