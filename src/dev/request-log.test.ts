import { describe, expect, it } from 'vitest';
import { describeServiceLine, linePrinter } from './request-log.js';

const line = (n: number) => JSON.stringify({ time: '2026-12-06T12:00:01.234Z', level: 'info', event: 'request', requestId: `r${n}`, method: 'GET', path: '/customer/:ids', status: 200, ids: 1, cache: 'HIT', ms: 0.41 });

describe('linePrinter', () => {
  it('writes the lines of one turn with one write, in order, and those of a later turn with another', async () => {
    const writes: string[] = [];
    const print = linePrinter((text) => writes.push(text), describeServiceLine);
    for (let n = 1; n <= 3; n++) print(line(n));
    expect(writes).toEqual([]); // gathered until the turn ends
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([`${['12:00:01.234 GET /customer/:ids 200 · 1 id · HIT · 0.41 ms', '12:00:01.234 GET /customer/:ids 200 · 1 id · HIT · 0.41 ms', '12:00:01.234 GET /customer/:ids 200 · 1 id · HIT · 0.41 ms'].join('\n')}\n`]);
    print(line(4));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
  });

  it('passes lines on as they are without a format (--json)', async () => {
    const writes: string[] = [];
    const print = linePrinter((text) => writes.push(text));
    print(line(1));
    print('not json');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([`${line(1)}\nnot json\n`]);
  });
});
