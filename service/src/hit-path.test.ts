// The hit path (app.ts createHitPath) over real HTTP: a cache hit it answers carries the same status,
// headers (names, order, values), body and log line as the same hit answered by the Hono app, and
// every request it must not answer (misses, queries, escapes, Cache-Control, HEAD, odd hosts) is
// answered by the app exactly as before.
import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, createHitPath, readyAnswer, type AppDeps, type HitPath } from './app.js';
import { RowCache } from './cache.js';
import { monotonicMs } from './clock.js';
import { createHealthCheck } from './health.js';
import { createServiceServer } from './http-server.js';
import { createLogger } from './log.js';
import { createLookup } from './lookup.js';
import { MemoryStore, sampleRows } from './__tests__/memory-store.js';

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** The service's server over a MemoryStore; `hitPath: false` leaves every request to the app. */
async function start(options: { hitPath?: boolean; honorNoCache?: boolean } = {}) {
  const lines: string[] = [];
  const store = new MemoryStore(sampleRows());
  // The service's cache, with its ready answers (service.ts).
  const cache = new RowCache({ ttlSeconds: 180, maxEntries: 1000, maxStaleSeconds: 3600, maxNegativeEntries: 100 }, monotonicMs, readyAnswer);
  const deps: AppDeps = {
    lookup: createLookup({ store, cache, log: createLogger(() => undefined) }),
    health: createHealthCheck(() => store.ping(), { cacheMs: 1000 }),
    ids: { format: 'numeric', maxIds: 100 },
    log: createLogger((line) => lines.push(line)),
    honorNoCache: options.honorNoCache,
  };
  let readyAnswers = 0;
  const answers = { readyAnswer: (id: string, now: number) => (readyAnswers++, cache.readyAnswer(id, now)) };
  const hitPath = createHitPath({ ...deps, answers });
  let answered = 0;
  const counted: HitPath = (req, res) => {
    const hit = options.hitPath !== false && hitPath(req, res);
    if (hit) answered++;
    return hit;
  };
  const server = createServiceServer({ app: createApp(deps), hitPath: counted }, '127.0.0.1');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => server.close() });
  const port = (server.address() as AddressInfo).port;
  return { port, store, lines, logged: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), hits: () => answered, readyAnswers: () => readyAnswers };
}

interface Answer {
  status: number;
  /** Header names and values as sent, in order, without Date (a clock). */
  raw: string[];
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const raw: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i] !== 'Date') raw.push(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        resolve({ status: res.statusCode!, raw, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A request written by hand (what node's client would not send: no Host, HTTP/1.0, odd hosts). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** The log line's fields that do not depend on the clock or chance. */
const steady = ({ time: _time, ms, requestId: _id, ...rest }: Record<string, unknown>) => ({ ...rest, ms: typeof ms });

describe('the hit path', () => {
  it('answers a hit with the status, headers, body and log line the app gives the same hit', async () => {
    const fast = await start();
    const slow = await start({ hitPath: false });
    const answers: Answer[] = [];
    for (const service of [fast, slow]) {
      expect((await get(service.port, '/customer/22,404,196')).headers['x-cache']).toBe('MISS'); // fills the cache
      answers.push(await get(service.port, '/customer/22,404,196', { 'x-request-id': 'same-id' }));
    }
    expect(fast.hits()).toBe(1);
    expect(slow.hits()).toBe(0);
    const [viaHitPath, viaApp] = answers as [Answer, Answer];
    expect(viaHitPath.status).toBe(200);
    expect(viaHitPath.raw).toEqual(viaApp.raw);
    expect(viaHitPath.raw.slice(0, 8)).toEqual(['content-type', 'application/json', 'x-cache', 'HIT', 'x-request-id', 'same-id', 'Content-Length', String(Buffer.byteLength(viaApp.body))]);
    expect(viaHitPath.body).toBe(viaApp.body);
    expect((JSON.parse(viaHitPath.body) as Array<{ USER_ID: number }>).map((row) => row.USER_ID)).toEqual([22, 196]);

    const [hitLine, appLine] = [fast.logged().at(-1)!, slow.logged().at(-1)!];
    expect(Object.keys(hitLine)).toEqual(Object.keys(appLine));
    expect(steady(hitLine)).toEqual(steady(appLine));
    expect(hitLine).toMatchObject({ event: 'request', requestId: 'same-id', method: 'GET', path: '/customer/:ids', status: 200, ids: 3, cache: 'HIT' });
    expect(fast.lines.every((line) => line.endsWith('\n'))).toBe(true);
  });

  it('answers a hit on one id (a row, or an id the table does not have) from its ready answer, as the app does', async () => {
    const fast = await start();
    const slow = await start({ hitPath: false });
    const bodies: string[] = [];
    for (const path of ['/customer/22', '/customer/404']) {
      const answers: Answer[] = [];
      for (const service of [fast, slow]) {
        await get(service.port, path); // fills the cache
        answers.push(await get(service.port, path, { 'x-request-id': 'same-id' }));
      }
      const [viaHitPath, viaApp] = answers as [Answer, Answer];
      expect(viaHitPath.raw, path).toEqual(viaApp.raw);
      expect(viaHitPath.raw.slice(0, 4)).toEqual(['content-type', 'application/json', 'x-cache', 'HIT']);
      expect(viaHitPath.body, path).toBe(viaApp.body);
      expect(steady(fast.logged().at(-1)!)).toEqual(steady(slow.logged().at(-1)!));
      bodies.push(viaHitPath.body);
    }
    expect(bodies.map((body) => (JSON.parse(body) as Array<{ USER_ID: number }>).map((row) => row.USER_ID))).toEqual([[22], []]);
    expect(fast.hits()).toBe(2);
    expect(fast.readyAnswers()).toBe(4); // each request for one id asked for its ready answer first
  });

  it('gives a hit a new request id unless the incoming one is harmless, as the app does', async () => {
    const fast = await start();
    await get(fast.port, '/customer/22');
    const fresh = await get(fast.port, '/customer/22');
    const replaced = await get(fast.port, '/customer/22', { 'x-request-id': 'a b' });
    expect(fast.hits()).toBe(2);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(fast.logged().at(-1)!.requestId).toBe(replaced.headers['x-request-id']);
  });

  it('leaves every other request to the app, which answers as it always did', async () => {
    const fast = await start({ honorNoCache: true });
    const slow = await start({ hitPath: false, honorNoCache: true });
    const cases: Array<[string, Record<string, string>, string?]> = [
      ['/customer/22,196', {}], // a miss: the first request
      ['/customer/22,404?strict=1', {}],
      ['/customer/22%2C196', {}],
      ['/customer/022', {}], // a hit: the same entry as 22
      ['/customer/22/', {}],
      ['/customer/', {}],
      ['/customer/x', {}],
      ['/customer/22', { 'cache-control': 'no-cache' }],
      ['/customer/196', { 'cache-control': 'max-age=0' }],
      ['/customer/22', {}, 'HEAD'],
      ['/customer/22', {}, 'POST'],
      ['/healthz', {}],
      ['/', {}],
    ];
    const seen: Array<[number, number]> = [];
    for (const [path, headers, method] of cases) {
      const [a, b] = [await get(fast.port, path, headers, method), await get(slow.port, path, headers, method)];
      const withoutId = (answer: Answer) => answer.raw.filter((_, i, raw) => raw[i - (i % 2)] !== 'x-request-id');
      expect(withoutId(a), `${method ?? 'GET'} ${path}`).toEqual(withoutId(b));
      expect(a.body.replace(/"requestId":"[^"]+"/, ''), path).toBe(b.body.replace(/"requestId":"[^"]+"/, ''));
      seen.push([a.status, fast.hits()]);
    }
    // Only the canonical spelling of a cached id was answered by the hit path.
    expect(fast.hits()).toBe(1);
    expect(seen.map(([status]) => status)).toEqual([200, 404, 200, 200, 404, 404, 400, 200, 200, 200, 404, 200, 200]);
    expect(fast.logged().map(steady)).toEqual(slow.logged().map(steady));
  });

  it('leaves a cache that fails to the app, which answers 500 as for any failure', async () => {
    const lines: string[] = [];
    const failing = { find: () => Promise.reject(new Error('cache broken')), cached: (): never => { throw new Error('cache broken'); } };
    const deps: AppDeps = { lookup: failing, health: async () => true, ids: { format: 'numeric', maxIds: 10 }, log: createLogger((line) => lines.push(line)) };
    const server = createServiceServer({ app: createApp(deps), hitPath: createHitPath(deps) }, '127.0.0.1');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => server.close() });
    const answer = await get((server.address() as AddressInfo).port, '/customer/22');
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ error: 'Internal server error', requestId: answer.headers['x-request-id'] });
    expect(lines.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['unhandled_error', 'request']);
  });

  it('reads Host, X-Request-Id and Cache-Control in any case, and leaves repeated ones to the app', async () => {
    const fast = await start({ honorNoCache: true });
    const slow = await start({ hitPath: false, honorNoCache: true });
    const steadyText = (answer: string) => answer.replace(/^(Date|x-request-id): .*\r\n/gim, '').replace(/"requestId":"[^"]+"/, '');
    for (const service of [fast, slow]) await get(service.port, '/customer/22');
    const answers: string[] = [];
    for (const headers of [
      'HOST: localhost\r\nX-REQUEST-ID: upper-case\r\n',
      'Host: localhost\r\nCACHE-CONTROL: no-cache\r\n',
      'Host: localhost\r\nx-request-id: one\r\nX-Request-Id: two\r\n',
      'Host: localhost\r\nHost: other\r\n',
    ]) {
      const text = `GET /customer/22 HTTP/1.0\r\n${headers}\r\n`;
      const before = fast.hits();
      const [a, b] = [await rawRequest(fast.port, text), await rawRequest(slow.port, text)];
      expect(steadyText(a), JSON.stringify(headers)).toBe(steadyText(b));
      answers.push(`${a.slice(9, 12)} ${fast.hits() - before} ${/^x-request-id: (.*)\r$/im.exec(a)?.[1] === 'upper-case'}`);
    }
    expect(answers).toEqual(['200 1 true', '200 0 false', '200 0 false', '200 0 false']);
  });

  it('leaves requests without a Host, or with one @hono/node-server refuses, to the app', async () => {
    const fast = await start();
    const slow = await start({ hitPath: false });
    const steadyText = (answer: string) => answer.replace(/^(Date|x-request-id): .*\r\n/gim, '');
    for (const service of [fast, slow]) await get(service.port, '/customer/22');
    const answers: string[] = [];
    for (const host of ['', 'Host: 1.2.3\r\n', 'Host: a b\r\n', 'Host: [::1]:80\r\n', 'Host: LocalHost:1\r\n']) {
      const text = `GET /customer/22 HTTP/1.0\r\n${host}\r\n`;
      const before = fast.hits();
      const [a, b] = [await rawRequest(fast.port, text), await rawRequest(slow.port, text)];
      expect(steadyText(a), JSON.stringify(host)).toBe(steadyText(b));
      answers.push(`${a.slice(9, 12)} ${fast.hits() - before}`);
    }
    // Without a Host the app takes the listening address (200); 1.2.3 and LocalHost are not how URL
    // spells them, which @hono/node-server refuses (400): the hit path must not answer them either.
    expect(answers).toEqual(['200 0', '400 0', '400 0', '200 1', '400 0']);
  });
});
