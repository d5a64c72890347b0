// A small resource pool: snowflake-sdk's own createPool takes fixed connection options, and the
// service must build every connection afresh (the SPCS token file rotates). Bounded (max), waiters
// queue FIFO with a timeout, broken resources are destroyed instead of returned.

export interface PoolFactory<T> {
  create(): Promise<T>;
  destroy(resource: T): Promise<void>;
}

export interface PoolOptions {
  /** Resources opened by warm(); the pool never closes idle ones below this. */
  min: number;
  max: number;
  /** How long acquire() waits for a free resource before failing. */
  acquireTimeoutMs: number;
}

export class PoolTimeoutError extends Error {
  constructor(ms: number) {
    super(`no connection available within ${ms} ms`);
    this.name = 'PoolTimeoutError';
  }
}

export class PoolClosedError extends Error {
  constructor() {
    super('the pool is closed');
    this.name = 'PoolClosedError';
  }
}

interface Waiter<T> {
  resolve(resource: T): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

export class Pool<T> {
  private readonly idle: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  /** Resources created or being created, idle or lent. */
  private count = 0;
  private closed = false;

  constructor(
    private readonly factory: PoolFactory<T>,
    readonly options: PoolOptions,
  ) {
    if (options.max < 1 || options.min < 0 || options.min > options.max) {
      throw new RangeError(`invalid pool size: min ${options.min}, max ${options.max}`);
    }
  }

  get size(): { total: number; idle: number; waiting: number } {
    return { total: this.count, idle: this.idle.length, waiting: this.waiters.length };
  }

  /** Opens up to `min` resources; failures are returned, not thrown (the store may be down at start). */
  async warm(): Promise<unknown[]> {
    const errors: unknown[] = [];
    const opening: Promise<void>[] = [];
    while (this.count < this.options.min) {
      this.count++;
      opening.push(
        this.factory.create().then(
          (resource) => this.release(resource),
          (error: unknown) => {
            this.count--;
            errors.push(error);
          },
        ),
      );
    }
    await Promise.all(opening);
    return errors;
  }

  acquire(): Promise<T> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    const resource = this.idle.pop();
    if (resource !== undefined) return Promise.resolve(resource);
    if (this.count < this.options.max) return this.open();
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new PoolTimeoutError(this.options.acquireTimeoutMs));
        }, this.options.acquireTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Gives a healthy resource back: to the first waiter, else to the idle list. */
  release(resource: T): void {
    if (this.closed) {
      this.count--;
      void this.factory.destroy(resource).catch(() => undefined);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(resource);
      return;
    }
    this.idle.push(resource);
  }

  /** Drops a broken resource; a waiter, if any, gets a new one in its place. */
  destroy(resource: T): void {
    this.count--;
    void this.factory.destroy(resource).catch(() => undefined);
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      this.open().then(waiter.resolve, waiter.reject);
    }
  }

  /** Runs fn with a resource; it goes back to the pool, or is destroyed when isBroken(error). */
  async use<R>(fn: (resource: T) => Promise<R>, isBroken: (error: unknown) => boolean = () => true): Promise<R> {
    const resource = await this.acquire();
    let result: R;
    try {
      result = await fn(resource);
    } catch (error) {
      if (isBroken(error)) this.destroy(resource);
      else this.release(resource);
      throw error;
    }
    this.release(resource);
    return result;
  }

  /** Refuses new work, fails waiters, destroys idle resources; lent ones are destroyed on return. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new PoolClosedError());
    }
    const idle = this.idle.splice(0);
    this.count -= idle.length;
    await Promise.all(idle.map((resource) => this.factory.destroy(resource).catch(() => undefined)));
  }

  private open(): Promise<T> {
    this.count++;
    return this.factory.create().then(
      (resource) => {
        if (!this.closed) return resource;
        this.count--;
        void this.factory.destroy(resource).catch(() => undefined);
        throw new PoolClosedError();
      },
      (error: unknown) => {
        this.count--;
        throw error;
      },
    );
  }
}
