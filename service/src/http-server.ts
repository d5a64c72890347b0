// The service's node:http server: cache hits answered by the hit path, everything else by the Hono
// app through @hono/node-server (what createAdaptorServer would build, with the hit path in front).

import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Service } from './service.js';

export function createServiceServer(service: Pick<Service, 'app' | 'hitPath'>, hostname?: string): Server {
  const app = getRequestListener(service.app.fetch, { hostname });
  const { hitPath } = service;
  return createServer((request, response) => {
    if (!hitPath(request, response)) void app(request, response);
  });
}
