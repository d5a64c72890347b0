// The baseline: node:http answering GET /customer/:ids from a Map of pre-serialized JSON rows,
// nothing else. Run as a child process by the bench scripts; reports its port over IPC.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SAMPLE_USERS, sampleRowJson } from './sample-rows.js';

const rows = new Map<string, string>();
for (let id = 1; id <= SAMPLE_USERS; id++) rows.set(String(id), sampleRowJson(id));

const server = http.createServer((req, res) => {
  const match = /^\/customer\/([^/?]+)/.exec(req.url ?? '');
  if (!match) {
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"Not found!"}');
    return;
  }
  const found: string[] = [];
  for (const id of decodeURIComponent(match[1]!).split(',')) {
    const row = rows.get(id);
    if (row !== undefined) found.push(row);
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'X-Cache': 'HIT' }).end(`[${found.join(',')}]`);
});
server.keepAliveTimeout = 90_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
