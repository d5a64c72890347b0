// A bounded LRU of values with a time to live. Entries past their TTL are not dropped at once: they
// stay (until evicted, or older than ttl + maxStale) so the service can answer with them while the
// store is unreachable. The clock is injected.

export interface CacheOptions {
  /** Seconds an entry is fresh. 0 turns the cache off: nothing is stored. */
  ttlSeconds: number;
  /** Most entries kept, fresh or stale; the least recently used goes first. */
  maxEntries: number;
  /** Seconds past its TTL an entry may still be served as stale. */
  maxStaleSeconds: number;
}

export type Clock = () => number;

export type CacheRead<V> = { fresh: true; value: V } | { fresh: false; value: V } | undefined;

interface Entry<V> {
  value: V;
  storedAt: number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly ttlMs: number;
  private readonly keepMs: number;

  constructor(
    readonly options: CacheOptions,
    private readonly now: Clock = Date.now,
  ) {
    this.ttlMs = options.ttlSeconds * 1000;
    this.keepMs = this.ttlMs + options.maxStaleSeconds * 1000;
  }

  get enabled(): boolean {
    return this.options.ttlSeconds > 0 && this.options.maxEntries > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for key: fresh (and marked recently used), stale, or undefined. */
  get(key: string): CacheRead<V> {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const age = this.now() - entry.storedAt;
    if (age < this.ttlMs) {
      // Re-insert so Map order stays least- to most-recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return { fresh: true, value: entry.value };
    }
    if (age >= this.keepMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { fresh: false, value: entry.value };
  }

  set(key: string, value: V): void {
    if (!this.enabled) return;
    this.entries.delete(key);
    this.entries.set(key, { value, storedAt: this.now() });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
