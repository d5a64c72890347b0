// The baseline: node:http answering GET /customer/:ids from a Map of pre-serialized JSON rows,
// nothing else. Run as a child process by the bench scripts; reports its port over IPC.
// PAPI_BENCH_ROWS names a JSON file of { id: row JSON text } to answer instead of the sample rows, so
// it sends the very bytes the service sends; PORT a port to listen on (default any).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SAMPLE_USERS, sampleRowJson } from './sample-rows.js';

const rows = new Map<string, string>();
const rowsFile = process.env.PAPI_BENCH_ROWS;
if (rowsFile) for (const [id, row] of Object.entries(JSON.parse(readFileSync(rowsFile, 'utf8')) as Record<string, string>)) rows.set(id, row);
else for (let id = 1; id <= SAMPLE_USERS; id++) rows.set(String(id), sampleRowJson(id));

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
  const body = `[${found.join(',')}]`;
  // Content-Length as the service sends it (without it node:http answers chunked).
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Cache': 'HIT' }).end(body);
});
server.keepAliveTimeout = 90_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
