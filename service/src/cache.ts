// A bounded LRU of values with a time to live, bounded by entries and (with a sizeOf) by bytes.
// Entries past their TTL are not dropped at once: they stay (until evicted, or older than
// ttl + maxStale) so the service can answer with them while the store is unreachable. The clock is
// injected. RowCache keeps rows and "no such id" answers apart.

export interface CacheOptions {
  /** Seconds an entry is fresh. 0 turns the cache off: nothing is stored. */
  ttlSeconds: number;
  /** Most entries kept, fresh or stale; the least recently used goes first. */
  maxEntries: number;
  /** Seconds past its TTL an entry may still be served as stale. */
  maxStaleSeconds: number;
  /** Most bytes of values kept (as `sizeOf` counts them); unbounded when absent. */
  maxBytes?: number;
}

export type Clock = () => number;

export type CacheRead<V> = { fresh: true; value: V } | { fresh: false; value: V } | undefined;

interface Entry<V> {
  value: V;
  storedAt: number;
  bytes: number;
  /** When it was last put at the end of the map (a count of such moves): its place in the LRU order. */
  seq: number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly ttlMs: number;
  private readonly keepMs: number;
  private totalBytes = 0;
  private lastSeq = 0;

  constructor(
    readonly options: CacheOptions,
    private readonly now: Clock = Date.now,
    private readonly sizeOf: (value: V) => number = () => 0,
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

  /** Bytes of the values kept, as sizeOf counts them. */
  get bytes(): number {
    return this.totalBytes;
  }

  /**
   * The entry for key: fresh (and marked recently used), stale, or undefined. An entry already among
   * the most recently used quarter stays where it is: moving it (a Map delete and set) on every hit
   * was a measurable share of a cache hit's cost. Only the order within that quarter differs from
   * strict LRU, and its entries go after all the others.
   */
  get(key: string): CacheRead<V> {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const state = this.state(key, entry);
    if (state === 'gone') return undefined;
    return state === 'fresh' ? { fresh: true, value: entry.value } : { fresh: false, value: entry.value };
  }

  /** A fresh entry (marked recently used, as get() does), else undefined: get() without an answer object to allocate. */
  getFresh(key: string, now = this.now()): { readonly value: V } | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && this.state(key, entry, now) === 'fresh' ? entry : undefined;
  }

  /** Whether an entry is fresh (then marked recently used), stale, or past the stale limit (then removed). */
  private state(key: string, entry: Entry<V>, now = this.now()): 'fresh' | 'stale' | 'gone' {
    const age = now - entry.storedAt;
    if (age < this.ttlMs) {
      // Re-insert so Map order stays least- to most-recently used (but for the newest quarter).
      if (this.lastSeq - entry.seq >= this.entries.size / 4) {
        this.entries.delete(key);
        entry.seq = ++this.lastSeq;
        this.entries.set(key, entry);
      }
      return 'fresh';
    }
    if (age >= this.keepMs) {
      this.remove(key);
      return 'gone';
    }
    return 'stale';
  }

  set(key: string, value: V): void {
    if (!this.enabled) return;
    this.remove(key);
    const bytes = this.sizeOf(value);
    const maxBytes = this.options.maxBytes ?? Infinity;
    if (bytes > maxBytes) return; // a value larger than the whole budget is not kept
    this.entries.set(key, { value, storedAt: this.now(), bytes, seq: ++this.lastSeq });
    this.totalBytes += bytes;
    while (this.entries.size > this.options.maxEntries || this.totalBytes > maxBytes) this.remove(this.entries.keys().next().value as string);
  }

  remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }
}

export interface RowCacheOptions extends CacheOptions {
  /** Most "no such id" answers kept, apart from the rows. */
  maxNegativeEntries: number;
}

/** A row as it is also kept, made once when it is stored: a one-id answer ready to send (app.ts readyAnswer). */
export interface ReadyAnswer {
  body: string;
  /** The body's length in UTF-8 bytes, as the Content-Length header's text. */
  contentLength: string;
}

interface Row {
  text: string;
  ready: ReadyAnswer | undefined;
}

/**
 * The per-id cache of rows (JSON text) and of "no such id" answers (null), kept apart: requests for
 * many unknown ids fill only the small negative cache and never evict the rows of real users; rows
 * are bounded by bytes as well as entries. Given `ready`, each row is also kept as the answer to a
 * request for that one id, so a cache hit sends bytes made once rather than a string encoded per hit.
 */
export class RowCache {
  private readonly rows: TtlCache<Row>;
  private readonly absent: TtlCache<null>;

  constructor(
    options: RowCacheOptions,
    private readonly now: Clock = Date.now,
    private readonly ready?: (row: string) => ReadyAnswer,
  ) {
    // UTF-16 code units, two bytes each: what a JS string of the row and of its ready answer hold.
    this.rows = new TtlCache<Row>(options, now, (row) => (row.text.length + (row.ready?.body.length ?? 0)) * 2);
    this.absent = new TtlCache<null>({ ...options, maxEntries: options.maxNegativeEntries }, now);
  }

  get enabled(): boolean {
    return this.rows.enabled;
  }

  get size(): number {
    return this.rows.size + this.absent.size;
  }

  get(id: string): CacheRead<string | null> {
    const row = this.rows.get(id);
    if (row === undefined) return this.absent.get(id);
    return { fresh: row.fresh, value: row.value.text } as CacheRead<string>;
  }

  /**
   * The ready answer of a fresh row, null for a fresh "no such id", undefined for anything else (not
   * cached, stale, not made). `now`: a reading of the cache's clock the caller has already made.
   */
  readyAnswer(id: string, now = this.now()): ReadyAnswer | null | undefined {
    const row = this.rows.getFresh(id, now);
    if (row !== undefined) return row.value.ready;
    // An id is in one of the two at most (set() moves it).
    return this.absent.getFresh(id, now) !== undefined ? null : undefined;
  }

  set(id: string, value: string | null): void {
    if (value === null) {
      this.rows.remove(id);
      this.absent.set(id, null);
    } else {
      this.absent.remove(id);
      if (this.rows.enabled) this.rows.set(id, { text: value, ready: this.ready?.(value) });
    }
  }

  /** Forgets an id, row or "no such id" alike. */
  remove(id: string): void {
    this.rows.remove(id);
    this.absent.remove(id);
  }

  /** Rows kept and their bytes, and the negative answers kept (for tests and health). */
  stats(): { rows: number; bytes: number; absent: number } {
    return { rows: this.rows.size, bytes: this.rows.bytes, absent: this.absent.size };
  }
}
