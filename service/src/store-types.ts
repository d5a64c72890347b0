// What the app needs from a store of recommendation rows. The Snowflake implementation is in
// store.ts; anything else implementing this (an in-memory map in the route tests) works the same.

export interface Store {
  /**
   * Looks up rows by id in ONE query. Returns, for each id found, the row as JSON text
   * (`{"USER_ID":22,"RECOMMENDATIONS":[…]}`); ids not found are absent from the map.
   */
  fetchRows(ids: readonly string[]): Promise<Map<string, string>>;
  /** Resolves when the store can answer a lookup now (a cheap query on the table). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
