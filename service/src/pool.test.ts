import { describe, expect, it } from 'vitest';
import { Pool, PoolClosedError, PoolTimeoutError, type PoolFactory } from './pool.js';

interface Resource {
  id: number;
  open: boolean;
}

function factory(options: { failCreate?: () => boolean } = {}) {
  let next = 1;
  const created: Resource[] = [];
  const f: PoolFactory<Resource> = {
    create: async () => {
      if (options.failCreate?.()) throw new Error('login failed');
      const resource = { id: next++, open: true };
      created.push(resource);
      return resource;
    },
    destroy: async (resource) => {
      resource.open = false;
    },
  };
  return { f, created };
}

describe('Pool', () => {
  it('reuses a released resource instead of opening another', async () => {
    const { f, created } = factory();
    const pool = new Pool(f, { min: 0, max: 2, acquireTimeoutMs: 100 });
    const a = await pool.acquire();
    pool.release(a);
    const b = await pool.acquire();
    expect(b).toBe(a);
    expect(created).toHaveLength(1);
  });

  it('opens at most max resources and queues the rest in order', async () => {
    const { f, created } = factory();
    const pool = new Pool(f, { min: 0, max: 2, acquireTimeoutMs: 1000 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const order: number[] = [];
    const third = pool.acquire().then((r) => (order.push(3), r));
    const fourth = pool.acquire().then((r) => (order.push(4), r));
    expect(pool.size).toEqual({ total: 2, idle: 0, waiting: 2 });
    pool.release(b);
    expect(await third).toBe(b);
    pool.release(a);
    expect(await fourth).toBe(a);
    expect(order).toEqual([3, 4]);
    expect(created).toHaveLength(2);
  });

  it('fails a waiter after acquireTimeoutMs', async () => {
    const { f } = factory();
    const pool = new Pool(f, { min: 0, max: 1, acquireTimeoutMs: 20 });
    await pool.acquire();
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolTimeoutError);
    expect(pool.size.waiting).toBe(0);
  });

  it('destroys broken resources and opens a new one for a waiter', async () => {
    const { f, created } = factory();
    const pool = new Pool(f, { min: 0, max: 1, acquireTimeoutMs: 1000 });
    const a = await pool.acquire();
    const waiting = pool.acquire();
    pool.destroy(a);
    const b = await waiting;
    expect(a.open).toBe(false);
    expect(b).not.toBe(a);
    expect(created).toHaveLength(2);
    expect(pool.size.total).toBe(1);
  });

  it('use() releases on success and on errors the caller calls harmless, destroys otherwise', async () => {
    const { f } = factory();
    const pool = new Pool(f, { min: 0, max: 1, acquireTimeoutMs: 100 });
    const first = await pool.use(async (r) => r);
    await expect(pool.use(async () => Promise.reject(new Error('SQL error')), () => false)).rejects.toThrow('SQL error');
    expect(await pool.use(async (r) => r)).toBe(first);
    await expect(pool.use(async () => Promise.reject(new Error('session gone')))).rejects.toThrow('session gone');
    expect(first.open).toBe(false);
    expect(await pool.use(async (r) => r)).not.toBe(first);
  });

  it('counts a failed creation out, so later acquires can try again', async () => {
    let fail = true;
    const { f } = factory({ failCreate: () => fail });
    const pool = new Pool(f, { min: 0, max: 1, acquireTimeoutMs: 100 });
    await expect(pool.acquire()).rejects.toThrow('login failed');
    fail = false;
    await expect(pool.acquire()).resolves.toMatchObject({ open: true });
  });

  it('warm() opens min resources and reports failures without throwing', async () => {
    const { f, created } = factory();
    const pool = new Pool(f, { min: 2, max: 3, acquireTimeoutMs: 100 });
    expect(await pool.warm()).toEqual([]);
    expect(created).toHaveLength(2);
    expect(pool.size).toEqual({ total: 2, idle: 2, waiting: 0 });
    const failing = new Pool(factory({ failCreate: () => true }).f, { min: 2, max: 2, acquireTimeoutMs: 100 });
    expect(await failing.warm()).toHaveLength(2);
    expect(failing.size.total).toBe(0);
  });

  it('close() fails waiters, destroys idle resources and those returned later', async () => {
    const { f } = factory();
    const pool = new Pool(f, { min: 0, max: 2, acquireTimeoutMs: 1000 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    pool.release(b);
    const c = await pool.acquire();
    const waiting = pool.acquire();
    await pool.close();
    await expect(waiting).rejects.toBeInstanceOf(PoolClosedError);
    pool.release(a);
    pool.release(c);
    expect([a.open, c.open]).toEqual([false, false]);
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('rejects impossible sizes', () => {
    expect(() => new Pool(factory().f, { min: 3, max: 2, acquireTimeoutMs: 1 })).toThrow(RangeError);
    expect(() => new Pool(factory().f, { min: 0, max: 0, acquireTimeoutMs: 1 })).toThrow(RangeError);
  });
});
