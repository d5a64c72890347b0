// The ingress guard: on Snowflake a container's port is reachable only inside the service's network,
// behind the ingress; on papi local it is a port on 127.0.0.1 that anyone on the machine can call,
// token or not (#13.6). So papi local preloads this guard into each container's node (`--require`,
// papi local's launcher adds it; the service never knows): every HTTP server in the process answers
// 403 to a request without the service's secret header, which only the ingress (and papi local's own
// readiness probe) adds, and removes the header before the service sees the request. The secret
// comes in the environment and is taken out of process.env before the service's code runs.
// A container may call its own port, as in any container a process reaches its own listening port on
// localhost (the service's warm-up does, service/src/warm-up.ts): a request without the header is
// admitted when it comes from a TCP connection this very process opened — its address and port, as
// the server sees them, are those of one of the process's own connected sockets (no other process
// can hold that endpoint to the same server at the same time).
// A server the guard cannot check (anything but node:http and node:https, e.g. raw net or http2)
// listening on the container's PORT ends the container with a message (exit 70) rather than serve
// that port unguarded.
// A script written to a file, not a module: it must run from source (tests) and from dist alike.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GUARD_HEADER } from '../ingress/proxy.js';

export { GUARD_HEADER };
/** The environment variable that hands the secret to the guard (removed before the service starts). */
export const GUARD_SECRET_ENV = 'PAPI_LOCAL_INGRESS_SECRET';

export const GUARD_SCRIPT = `'use strict';
// papi local's ingress guard (see src/local/spcs/ingress-guard.ts in papi).
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const { timingSafeEqual } = require('node:crypto');
const HEADER = ${JSON.stringify(GUARD_HEADER)};
const secret = process.env[${JSON.stringify(GUARD_SECRET_ENV)}];
delete process.env[${JSON.stringify(GUARD_SECRET_ENV)}];
if (!secret) {
  process.stderr.write('papi local: the ingress guard got no secret; refusing to start the container\\n');
  process.exit(70);
}
const expected = Buffer.from(secret);
/** "address port" of each TCP connection this process opened, while it is open. */
const ownEndpoints = new Set();
/** An IPv4 address as a dual-stack server sees it (::ffff:127.0.0.1) is the same endpoint. */
const endpointOf = (address, port) => (typeof address === 'string' && address.startsWith('::ffff:') ? address.slice(7) : address) + ' ' + port;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function () {
  this.once('connect', () => {
    const endpoint = endpointOf(this.localAddress, this.localPort);
    ownEndpoints.add(endpoint);
    this.once('close', () => ownEndpoints.delete(endpoint));
  });
  return connect.apply(this, arguments);
};
/** A request on a connection this process opened to itself. */
function fromThisProcess(req) {
  const socket = req.socket;
  return ownEndpoints.size > 0 && socket !== undefined && socket !== null && ownEndpoints.has(endpointOf(socket.remoteAddress, socket.remotePort));
}
/**
 * True when the request carries the secret (or comes from this process); the header is removed
 * either way. Compared in constant time over the secret's length (papi local's secrets all have one
 * length, so it tells nothing); no hash per request, which cost the service 5 % of its CPU at 1,000
 * requests a second.
 */
function admit(req) {
  const given = req.headers[HEADER];
  if (given === undefined) return fromThisProcess(req);
  delete req.headers[HEADER];
  const raw = req.rawHeaders;
  const kept = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() !== HEADER) kept.push(raw[i], raw[i + 1]);
  req.rawHeaders = kept;
  if (typeof given !== 'string') return false;
  const bytes = Buffer.from(given);
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}
const REFUSAL = JSON.stringify({
  error: 'FORBIDDEN',
  message: 'papi local: this container port answers only through the service endpoint\\'s ingress (its ingress_url in SHOW ENDPOINTS, or papi status).',
});
const PORT = Number(process.env.PORT);
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function () {
  if (!(this instanceof http.Server) && !(this instanceof https.Server)) {
    this.once('listening', () => {
      const address = this.address();
      if (address !== null && typeof address === 'object' && address.port === PORT) {
        process.stderr.write('papi local: the container listens on its port ' + PORT + ' with a server that is not node:http or node:https; papi local can guard only those (the port must answer only through the ingress), so the container stops\\n');
        process.exit(70);
      }
    });
  }
  return listen.apply(this, arguments);
};
for (const Server of [http.Server, https.Server]) {
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (event, req, res) {
    if (event === 'request' || event === 'checkContinue' || event === 'checkExpectation') {
      if (!admit(req)) {
        res.writeHead(403, { 'content-type': 'application/json', connection: 'close' });
        res.end(REFUSAL);
        return true;
      }
    } else if (event === 'upgrade' || event === 'connect') {
      if (!admit(req)) {
        res.destroy();
        return true;
      }
    }
    return emit.apply(this, arguments);
  };
}
`;

/** Writes the guard into `dir` (papi local's spcs folder); answers its path for guardedArgv. */
export async function writeGuard(dir: string): Promise<string> {
  const file = join(dir, 'ingress-guard.cjs');
  await writeFile(file, GUARD_SCRIPT, { mode: 0o600 });
  return file;
}

/** The host argv ([node, ...]) with the guard preloaded before the container's own script. */
export function guardedArgv(argv: readonly string[], guardFile: string): string[] {
  return [argv[0]!, '--require', guardFile, ...argv.slice(1)];
}
