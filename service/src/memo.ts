// A pure function of a string remembered for the first few keys it sees: for values a service meets
// a handful of times over (Host headers, log tokens) on every request. Past `kept` keys it computes
// again rather than grow: a client sending endless distinct values cannot fill memory.

export function rememberFirst<T>(compute: (key: string) => T, kept: number): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      value = compute(key);
      if (known.size < kept) known.set(key, value);
    }
    return value;
  };
}
