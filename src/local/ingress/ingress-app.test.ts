// The ingress: its refusals through app.request() (the error middleware's {error, message} with
// 401/403/503), and forwarding through a real listener to a real upstream (headers rewritten, body
// streamed both ways, 503 with Retry-After when the container's port refuses the connection).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAuthority, createTestDirectory } from '../image-registry/__tests__/platform-doubles.js';
import { createIngressApp, INGRESS_KEEP_ALIVE_TIMEOUT_MS, INGRESS_LISTEN_BACKLOG, startIngress, type IngressListener } from './index.js';

const service = { database: 'API', schema: 'DATA', name: 'SVC' };
const authority = createTestAuthority();
const directory = createTestDirectory({ endpoints: { CALLER: ['API.DATA.SVC'] } });
const HOST = '127.0.0.1:4321';
const token = (role: string, audience?: string) => `Snowflake Token="${authority.issueOAuthToken({ user: 'ALICE', role, ...(audience ? { audience } : {}) }, 60)}"`;

describe('the ingress app', () => {
  const agent = new Agent();
  // No instance is ready: requests that pass every check meet 503.
  const app = createIngressApp({ service, endpoint: 'api', tokens: authority, directory, upstream: () => undefined }, () => HOST, agent);
  afterAll(() => agent.destroy());

  const refusal = async (authorization: string | undefined, status: number, error: string) => {
    const response = await app.request('/anything', authorization ? { headers: { authorization } } : {});
    expect(response.status).toBe(status);
    // Only "not ready" is worth retrying soon (#13.8).
    expect(response.headers.get('retry-after')).toBe(status === 503 ? '1' : null);
    expect(await response.json()).toEqual({ error, message: expect.any(String) });
  };

  it('refuses a missing, forged or other-endpoint token with 401', async () => {
    await refusal(undefined, 401, 'UNAUTHORIZED');
    await refusal('Snowflake Token="forged"', 401, 'UNAUTHORIZED');
    await refusal(token('CALLER', 'elsewhere.example'), 401, 'UNAUTHORIZED');
  });

  it('refuses a role without endpoint usage with 403, and answers 503 while no instance is ready', async () => {
    await refusal(token('NOBODY'), 403, 'FORBIDDEN');
    await refusal(token('CALLER', `http://${HOST}`), 503, 'SERVICE_UNAVAILABLE');
  });
});

describe('the ingress listener', () => {
  let container: Server;
  let containerPort: number | undefined;
  let ingress: IngressListener;
  let seen: IncomingHttpHeaders | undefined;
  let containerConnections = 0;

  beforeAll(async () => {
    container = createServer((req, res) => {
      seen = req.headers;
      res.writeHead(201, { 'content-type': 'text/plain', 'x-from': 'container' });
      req.pipe(res);
    });
    container.on('connection', () => containerConnections++);
    await new Promise<void>((resolve) => container.listen(0, '127.0.0.1', resolve));
    containerPort = (container.address() as AddressInfo).port;
    ingress = await startIngress({ service, endpoint: 'api', tokens: authority, directory, upstream: () => containerPort, guardSecret: 'the-guard-secret' });
  });

  afterAll(async () => {
    await ingress?.close();
    await new Promise((resolve) => container?.close(resolve));
  });

  it('forwards as the token user with the guard secret, without the token or forged Sf-Context headers, streaming the body both ways', async () => {
    const response = await fetch(`http://${ingress.host}/echo?x=1`, {
      method: 'POST',
      headers: { authorization: token('CALLER', ingress.host), 'sf-context-current-user': 'MALLORY', 'x-papi-local-ingress-secret': 'forged' },
      body: 'hello container',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-from')).toBe('container');
    expect(await response.text()).toBe('hello container');
    expect(seen?.authorization).toBeUndefined();
    expect(seen?.['sf-context-current-user']).toBe('ALICE');
    // The container's guard (spcs/ingress-guard.ts) lets in only requests with the ingress's secret.
    expect(seen?.['x-papi-local-ingress-secret']).toBe('the-guard-secret');
  });

  it('forwards over kept-alive connections: sequential requests, each on a new client connection, share one connection to the container', async () => {
    const before = containerConnections;
    for (let i = 0; i < 20; i++) {
      // A new client connection each time (Connection: close): only the ingress's side is kept alive.
      const response = await fetch(`http://${ingress.host}/echo`, { method: 'POST', headers: { authorization: token('CALLER'), connection: 'close' }, body: `n${i}` });
      expect(await response.text()).toBe(`n${i}`);
    }
    expect(containerConnections - before).toBeLessThanOrEqual(1);
  });

  it('keeps an idle client connection open for 65 s and says so (Keep-Alive), not the 5 s that reset reused connections', async () => {
    const agent = new Agent({ keepAlive: true });
    try {
      const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
        get(`http://${ingress.host}/`, { agent, headers: { authorization: token('CALLER') } }, (res) => {
          res.resume();
          resolve(res.headers['keep-alive'] as string | undefined);
        }).on('error', reject);
      });
      expect(INGRESS_KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
      expect(keepAlive).toBe('timeout=65');
    } finally {
      agent.destroy();
    }
  });

  it('listens with a deep accept queue (4096, or the kernel cap): a burst of new connections under load is queued, not dropped', () => {
    // For a listening socket, ss shows the backlog as Send-Q (Node's default would be 511).
    const listening = execFileSync('ss', ['-Hltn', `sport = :${ingress.port}`], { encoding: 'utf8' }).trim().split(/\s+/);
    const cap = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(INGRESS_LISTEN_BACKLOG).toBe(4096);
    expect(Number(listening[2])).toBe(Math.min(INGRESS_LISTEN_BACKLOG, cap));
  });

  it('forwards a request while 100 others wait for the container: no cap on connections to it makes quick answers queue behind slow ones (#16.5)', async () => {
    const held: Array<() => void> = [];
    const slow = createServer((req, res) => {
      if (req.url === '/slow') held.push(() => res.end('slow'));
      else res.end('quick');
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowPort = (slow.address() as AddressInfo).port;
    const front = await startIngress({ service, endpoint: 'api', tokens: authority, directory, upstream: () => slowPort });
    const clients = new Agent({ keepAlive: true, maxSockets: 200 });
    const ask = (path: string) =>
      new Promise<string>((resolve, reject) => {
        get(`http://${front.host}${path}`, { agent: clients, headers: { authorization: token('CALLER') } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
    try {
      const slowAnswers = Array.from({ length: 100 }, () => ask('/slow'));
      while (held.length < 100) await new Promise((resolve) => setTimeout(resolve, 10));
      // With 64 connections to the container this waited for a slow answer to free one (forever here).
      expect(await ask('/quick')).toBe('quick');
      expect(held).toHaveLength(100);
      for (const release of held) release();
      expect(new Set(await Promise.all(slowAnswers))).toEqual(new Set(['slow']));
    } finally {
      clients.destroy();
      await front.close();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('sends a GET once more on a new connection when the container closed the kept-alive one it went out on (#16.5)', async () => {
    // Each connection answers its first request and is cut on its second: what a container closing an
    // idle connection (Node's 5 s keep-alive timeout) looks like to a request sent on it at that moment.
    const perConnection = new WeakMap<object, number>();
    let cut = 0;
    const closing = createServer((req, res) => {
      const n = (perConnection.get(req.socket) ?? 0) + 1;
      perConnection.set(req.socket, n);
      if (n === 1) return res.end(`answered ${req.method}`);
      cut++;
      req.socket.destroy();
    });
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const closingPort = (closing.address() as AddressInfo).port;
    const front = await startIngress({ service, endpoint: 'api', tokens: authority, directory, upstream: () => closingPort });
    try {
      const first = await fetch(`http://${front.host}/a`, { headers: { authorization: token('CALLER') } });
      expect(await first.text()).toBe('answered GET');
      // Goes out on the kept-alive connection, which is cut: sent again on a new one (was a 503).
      const second = await fetch(`http://${front.host}/b`, { headers: { authorization: token('CALLER') } });
      expect([second.status, await second.text()]).toEqual([200, 'answered GET']);
      expect(cut).toBe(1);
      // A request with a body is not sent twice: the cut is answered 503 as before.
      const post = await fetch(`http://${front.host}/c`, { method: 'POST', headers: { authorization: token('CALLER') }, body: 'once' });
      expect(post.status).toBe(503);
      expect(cut).toBe(2);
    } finally {
      await front.close();
      await new Promise((resolve) => closing.close(resolve));
    }
  });

  it('answers 503 with Retry-After when nothing listens on the container port (a container that just died, #13.8)', async () => {
    const closed = containerPort;
    await new Promise((resolve) => container.close(resolve));
    const response = await fetch(`http://${ingress.host}/`, { headers: { authorization: token('CALLER') } });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    containerPort = closed;
  });
});
