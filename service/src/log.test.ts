import { describe, expect, it } from 'vitest';
import { createLogger, describeError, maskSecrets } from './log.js';

describe('log', () => {
  it('writes one JSON line per event', () => {
    const lines: string[] = [];
    const log = createLogger((line) => lines.push(line));
    log.info('listening', { port: 8001 });
    log.request({ requestId: 'r', method: 'GET', path: '/', status: 503, ms: 1.5 });
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      { time: expect.any(String), level: 'info', event: 'listening', port: 8001 },
      { time: expect.any(String), level: 'error', event: 'request', requestId: 'r', method: 'GET', path: '/', status: 503, ms: 1.5 },
    ]);
  });

  it('builds request lines as text that parse to the same fields, in the same order, with the ISO time', () => {
    const lines: string[] = [];
    const log = createLogger((line) => lines.push(line));
    log.request({ requestId: 'a"b\\c', method: 'GET', path: '/customer/:ids', status: 200, ids: 3, cache: 'PARTIAL', ms: 0.25 });
    log.request({ requestId: 'r', method: 'HEAD', path: '(unmatched)', status: 404, ms: 2 });
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(first!)).toEqual(['time', 'level', 'event', 'requestId', 'method', 'path', 'status', 'ids', 'cache', 'ms']);
    expect(first).toMatchObject({ level: 'info', requestId: 'a"b\\c', ids: 3, cache: 'PARTIAL', ms: 0.25 });
    expect(new Date(first!.time as string).toISOString()).toBe(first!.time);
    expect(second).toEqual({ time: expect.any(String), level: 'info', event: 'request', requestId: 'r', method: 'HEAD', path: '(unmatched)', status: 404, ms: 2 });
  });

  it('describes store errors with code and SQLSTATE, on one line, tokens masked', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJBQ01FLlNWQyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const error = Object.assign(new Error(`SQL compilation error:\nObject 'X' does not exist ${token}`), { code: '002003', sqlState: '42S02' });
    expect(describeError(error)).toEqual({
      error: 'Error',
      code: '002003',
      sqlState: '42S02',
      message: "SQL compilation error: Object 'X' does not exist ***",
    });
    expect(maskSecrets('short abc')).toBe('short abc');
  });
});
