// The warm-up's own rules: its ids are ids the service accepts (and unlikely to be anyone's), each
// round asks for new ids once and then again, and the throwaway server is closed at the end. Its
// part in the service (readiness waits for it, the cache stays cold, no log lines) is checked against
// papi local in store-local.test.ts.
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseIds } from './ids.js';
import { warmUp, warmUpId } from './warm-up.js';

describe('warm-up', () => {
  it('asks for ids the service accepts: the largest 38-digit numbers, or papi-warm-up-<n>, all distinct', () => {
    for (const format of ['numeric', 'alphanumeric'] as const) {
      const ids = Array.from({ length: 100 }, (_, n) => warmUpId(n, format));
      expect(new Set(ids).size).toBe(100);
      const parsed = parseIds(ids.join(','), { format, maxIds: 100 });
      expect(parsed).toEqual({ ok: true, ids });
    }
    expect(warmUpId(0, 'numeric')).toBe('9'.repeat(38));
    expect(warmUpId(1, 'numeric')).toBe(`${'9'.repeat(37)}8`);
  });

  it('sends its requests through the server given, new ids once then again, and closes it', async () => {
    const asked: string[] = [];
    const server = createServer((request, response) => {
      asked.push(request.url!);
      response.statusCode = request.url === `/customer/${warmUpId(3, 'numeric')}` ? 503 : 200;
      response.end('[]');
    });
    const result = await warmUp(server, { requests: 40, concurrency: 4, idFormat: 'numeric' });
    expect(result.requests).toBe(40);
    expect(asked).toHaveLength(40);
    // Rounds of 4 new ids, each asked for 6 times: 24 requests a round, the second round cut at 40.
    expect(result.ids).toEqual(Array.from({ length: 8 }, (_, n) => warmUpId(n, 'numeric')));
    expect(asked.slice(0, 24).filter((url) => url === `/customer/${warmUpId(0, 'numeric')}`)).toHaveLength(6);
    expect(result.failed).toBe(6);
    expect(server.listening).toBe(false);
  });

  it('sends nothing when asked for none', async () => {
    let asked = 0;
    const server = createServer((_, response) => (asked++, response.end()));
    expect(await warmUp(server, { requests: 0, concurrency: 16, idFormat: 'numeric' })).toEqual({ requests: 0, ids: [], failed: 0 });
    expect(asked).toBe(0);
    expect(server.listening).toBe(false);
  });
});
