import { describe, expect, it } from 'vitest';
import { createHealthCheck } from './health.js';

describe('createHealthCheck', () => {
  it('shares one ping between concurrent probes and reuses the answer for cacheMs', async () => {
    let time = 0;
    let pings = 0;
    let fail = false;
    const downs: unknown[] = [];
    const check = createHealthCheck(
      async () => {
        pings++;
        if (fail) throw new Error('unreachable');
      },
      { cacheMs: 1500, now: () => time, onDown: (error) => downs.push(error) },
    );
    expect(await Promise.all([check(), check(), check()])).toEqual([true, true, true]);
    expect(pings).toBe(1);
    time = 1499;
    expect(await check()).toBe(true);
    expect(pings).toBe(1);
    fail = true;
    time = 1500;
    expect(await check()).toBe(false);
    time = 3000;
    expect(await check()).toBe(false);
    expect(pings).toBe(3);
    expect(downs).toHaveLength(1); // told once per outage
    fail = false;
    time = 4500;
    expect(await check()).toBe(true);
  });
});
