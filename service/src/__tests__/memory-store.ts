// A plain in-memory implementation of the Store interface for the route and lookup tests. Not a
// stand-in for Snowflake: store.ts is checked against papi local through the real driver.

import type { Store } from '../store-types.js';

export interface Recommendation {
  title: string;
}

export class MemoryStore implements Store {
  /** Every fetchRows call, with the ids it asked for. */
  readonly queries: string[][] = [];
  pings = 0;
  /** While set, every call fails as an unreachable store would. */
  down = false;
  /** A query asking for any of these ids fails (as a statement of one batch would). */
  readonly failingIds = new Set<string>();
  /** While set, fetchRows waits for release() before answering. */
  private gate: { promise: Promise<void>; open: () => void } | undefined;

  constructor(readonly rows = new Map<string, Recommendation[]>()) {}

  hold(): void {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
  }

  release(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  async fetchRows(ids: readonly string[]): Promise<Map<string, string>> {
    this.queries.push([...ids]);
    const down = this.down;
    await this.gate?.promise;
    if (down || this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (ids.some((id) => this.failingIds.has(id))) throw Object.assign(new Error('statement failed'), { code: '000630' });
    const found = new Map<string, string>();
    for (const id of ids) {
      const recommendations = this.rows.get(id);
      if (recommendations) found.set(id, JSON.stringify({ USER_ID: Number(id), RECOMMENDATIONS: recommendations }));
    }
    return found;
  }

  async ping(): Promise<void> {
    this.pings++;
    if (this.down) throw new Error('connect ECONNREFUSED');
  }

  async close(): Promise<void> {}
}

export function sampleRows(): Map<string, Recommendation[]> {
  return new Map([
    ['22', [{ title: 'Heat' }, { title: 'Ronin' }]],
    ['196', [{ title: 'Alien' }]],
    ['5000', [{ title: 'Brazil' }, { title: 'Fargo' }, { title: 'Up' }]],
  ]);
}
