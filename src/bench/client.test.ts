import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answer, closeTrackedServers, trackedServer } from './__tests__/servers.js';
import { HttpClient, type Outcome } from './client.js';

const clients: HttpClient[] = [];
const rawServers: net.Server[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of rawServers.splice(0)) await new Promise((resolve) => s.close(resolve));
  await closeTrackedServers();
});

function client(url: string, timeoutMs = 5000, maxSockets = 100): HttpClient {
  const c = new HttpClient({ url, headers: { authorization: 'Token one' } }, timeoutMs, maxSockets);
  clients.push(c);
  return c;
}

const get = (c: HttpClient, path: string) => new Promise<Outcome>((resolve) => c.get(path, resolve));

/** A TCP server that answers each request with the bytes `reply` gives (`end`: then closes; undefined: closes at once). */
async function rawServer(reply: (request: string, index: number) => string | { end: string } | undefined): Promise<{ url: string; connections: number; requests: string[] }> {
  const state = { url: '', connections: 0, requests: [] as string[] };
  const server = net.createServer((socket) => {
    state.connections++;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const request = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const bytes = reply(request, state.requests.push(request) - 1);
        if (bytes === undefined) socket.destroy();
        else if (typeof bytes === 'string') socket.write(bytes);
        else socket.end(bytes.end);
      }
    });
    socket.on('error', () => undefined);
  });
  rawServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

describe('HttpClient', () => {
  it('sends GET base path + path with Host and the headers; keeps status, X-Cache and X-Cache-Refresh; reuses the connection', async () => {
    const s = await rawServer(() => 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-cache: miss\r\nX-Cache-Refresh: yes\r\n\r\n[]');
    const c = client(`${s.url}/api/`);
    const first = await get(c, '/customer/1');
    const second = await get(c, '/customer/2');
    expect(first).toMatchObject({ ok: true, status: 200, cache: 'miss', refresh: 'yes' });
    expect(second).toMatchObject({ ok: true, status: 200 });
    expect(s.requests[0]!.split('\r\n')).toEqual(['GET /api/customer/1 HTTP/1.1', `host: ${new URL(s.url).host}`, 'authorization: Token one']);
    expect(s.connections).toBe(1);
  });

  it('reads chunked bodies, joins repeated X-Cache headers as node:http does, and waits past a 100 Continue', async () => {
    const s = await rawServer(
      () => 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\nX-Cache: MISS\r\nX-Cache: STALE\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    const c = client(s.url);
    expect(await get(c, '/a')).toEqual({ ok: true, status: 503, cache: 'MISS, STALE', endMs: expect.any(Number) });
    expect(await get(c, '/b')).toMatchObject({ ok: true, status: 503 });
    expect(s.connections).toBe(1);
  });

  it('an answer with Connection: close, or one whose body runs to the close, is complete and its connection not reused', async () => {
    const s = await rawServer((_request, index) =>
      index === 0 ? 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n[]' : { end: 'HTTP/1.1 200 OK\r\nX-Cache: HIT\r\n\r\n[]' },
    );
    const c = client(s.url);
    expect(await get(c, '/a')).toMatchObject({ ok: true, status: 200 });
    // No length: the body ends where the server closes.
    expect(await get(c, '/b')).toMatchObject({ ok: true, status: 200, cache: 'HIT' });
    expect(await get(c, '/c')).toMatchObject({ ok: true, status: 200 });
    expect(s.connections).toBe(3);
  });

  it('a request with no answer by its timeout is a timeout (ETIMEDOUT) and its connection is closed; answered ones are not', async () => {
    // Every other request is never answered.
    const s = await trackedServer((_req, res, index) => (index % 2 === 0 ? answer(res) : undefined));
    const c = client(s.url, 150);
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => get(c, `/customer/${i}`)));
    const kinds = outcomes.map((o) => (o.ok ? 'ok' : `${o.kind} ${o.code}`));
    expect(kinds.filter((k) => k === 'ok')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'timeout ETIMEDOUT')).toHaveLength(3);
    // The timed-out connections were closed: a new request does not queue behind one.
    expect((await get(c, '/customer/6')).ok).toBe(true);
  });

  it('keeps at most maxSockets connections; a request waiting for one is not timed while it waits', async () => {
    // 30 requests, 1 connection, 50 ms each: the last waits ~1.5 s, past its 1 s timeout, yet is answered.
    const s = await trackedServer((_req, res) => setTimeout(() => answer(res), 50));
    const c = client(s.url, 1000, 1);
    let opened = 0;
    c.onConnection = () => opened++;
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => get(c, `/customer/${i}`)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(s.connections).toBe(1);
    expect(s.maxConcurrent).toBe(1);
    expect(opened).toBe(1);
    // In the order asked.
    expect(s.paths).toEqual(Array.from({ length: 30 }, (_, i) => `/customer/${i}`));
  });

  it('counts each connection it opens once, one per request in flight by default', async () => {
    const s = await trackedServer((_req, res) => setTimeout(() => answer(res), 30));
    const c = client(s.url);
    let opened = 0;
    c.onConnection = () => opened++;
    await Promise.all(Array.from({ length: 5 }, (_, i) => get(c, `/customer/${i}`)));
    await Promise.all(Array.from({ length: 3 }, (_, i) => get(c, `/customer/${i}`)));
    expect(opened).toBe(5);
    expect(s.connections).toBe(5);
  });

  it('resets, refusals and cut-off answers are sorted into their kinds', async () => {
    const s = await rawServer(() => undefined); // closes without answering
    const c = client(s.url);
    expect(await get(c, '/a')).toMatchObject({ ok: false, kind: 'reset', code: 'ECONNRESET' });
    const refusedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    expect(await get(client(`http://127.0.0.1:${refusedPort}`), '/a')).toMatchObject({ ok: false, kind: 'refused', code: 'ECONNREFUSED' });
    const garbage = await rawServer(() => 'NOT HTTP\r\n\r\n');
    expect(await get(client(garbage.url), '/a')).toMatchObject({ ok: false, kind: 'other' });
  });

  it('a renewed token goes on the requests sent after it; a header that would break the request is refused', async () => {
    const s = await rawServer(() => 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const c = client(s.url);
    await get(c, '/a');
    c.setAuthorization('Token two');
    await get(c, '/b');
    expect(s.requests.map((r) => r.split('\r\n').find((line) => line.startsWith('authorization')))).toEqual(['authorization: Token one', 'authorization: Token two']);
    expect(() => new HttpClient({ url: s.url, headers: { 'x-a': 'one\r\nx-b: two' } }, 1000, 1)).toThrow(/Invalid character/);
  });

  it('a cancelled request gets no outcome and its connection is closed', async () => {
    const s = await trackedServer(() => undefined);
    const c = client(s.url);
    const seen: Outcome[] = [];
    const handle = c.get('/a', (o) => seen.push(o));
    await new Promise((resolve) => setTimeout(resolve, 50));
    handle.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([]);
    expect(s.connections).toBe(1);
  });
});
