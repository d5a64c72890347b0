import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, HttpError, UsageError } from '../ui/errors.js';
import { getCustomers, parseIds } from './client.js';

describe('parseIds', () => {
  it('accepts one or comma-separated ids and drops repeats', () => {
    expect(parseIds('22', 'integer', 100)).toEqual(['22']);
    expect(parseIds('22, 196,22', 'integer', 100)).toEqual(['22', '196']);
    expect(parseIds('ab-1,C_2', 'alphanumeric', 100)).toEqual(['ab-1', 'C_2']);
  });

  it('names every bad part', () => {
    for (const bad of ['', '0', '-1', '22,', '1;DROP TABLE x', "22' OR '1'='1", '9'.repeat(30), '２２', 'abc']) {
      const error = (() => {
        try {
          parseIds(bad, 'integer', 100);
        } catch (e) {
          return e;
        }
      })();
      expect(error, bad).toBeInstanceOf(UsageError);
    }
    expect(() => parseIds('1,x,2,y', 'integer', 100)).toThrow(/"x", "y"/);
  });

  it('refuses more ids than the service answers', () => {
    const many = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
    expect(() => parseIds(many, 'integer', 100)).toThrow(/at most 100/);
  });
});

describe('getCustomers', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url?: string; auth?: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization });
      if (req.headers.authorization !== 'Snowflake Token="good"') return void res.writeHead(401).end('{"error":"no"}');
      if (req.url === '/customer/500') return void res.writeHead(500).end('{"error":"boom"}');
      if (req.url === '/customer/302') return void res.writeHead(302, { location: 'https://login.example' }).end();
      res.writeHead(200, { 'content-type': 'application/json', 'x-cache': 'MISS' }).end(JSON.stringify([{ USER_ID: 22 }]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the Snowflake Token header and parses the JSON', async () => {
    const response = await getCustomers({ baseUrl: base, token: 'good', ids: ['22', '196'] });
    expect(response.json).toEqual([{ USER_ID: 22 }]);
    expect(response.cache).toBe('MISS');
    expect(seen.at(-1)).toEqual({ url: '/customer/22,196', auth: 'Snowflake Token="good"' });
  });

  it('turns 401 and redirects into an auth error, other failures into an HTTP error', async () => {
    await expect(getCustomers({ baseUrl: base, token: 'bad', ids: ['22'] })).rejects.toBeInstanceOf(AuthError);
    await expect(getCustomers({ baseUrl: base, token: 'good', ids: ['302'] })).rejects.toBeInstanceOf(AuthError);
    await expect(getCustomers({ baseUrl: base, token: 'good', ids: ['500'] })).rejects.toMatchObject({ status: 500 });
    await expect(getCustomers({ baseUrl: 'http://127.0.0.1:9', token: 'good', ids: ['22'] })).rejects.toBeInstanceOf(HttpError);
  });

  it('with no token sends no Authorization header, and a refusal says that none was sent and how to add one (#17.7)', async () => {
    const refused = await getCustomers({ baseUrl: base, token: '', ids: ['22'] }).then(
      () => new AuthError('not refused'),
      (error: unknown) => error as AuthError,
    );
    expect(seen.at(-1)).toEqual({ url: '/customer/22', auth: undefined });
    expect(refused).toBeInstanceOf(AuthError);
    expect(refused.message).toBe('the endpoint asks for a token (HTTP 401) and none was sent');
    expect(refused.hint).toContain('Authorization: Snowflake Token=\\"$(papi token)\\"');
    expect(refused.hint).not.toContain('--refresh');
  });
});
