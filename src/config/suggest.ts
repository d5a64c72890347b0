// "Did you mean …?" for misspelt keys: edit distance over names compared without case, `_` or `-`
// (so `max_nodes` finds `maxNodes`), plus the connections.toml spellings of papi.yaml keys.

const ALIASES: Record<string, string> = {
  privatekeyfile: 'privateKeyPath',
  privatekeypath: 'privateKeyPath',
  tokenfilepath: 'tokenFilePath',
  username: 'user',
  defaultconnectionname: 'name',
};

const normalize = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Edit distance where swapping two neighbours (`prot` → `port`) counts as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

/** The closest of `candidates` to `key`, if it is close enough to be a likely typo. */
export function suggest(key: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(key);
  const alias = ALIASES[wanted];
  if (alias && candidates.includes(alias)) return alias;
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(wanted, normalize(name));
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(wanted.length, 3) / 3));
  return best.distance <= limit ? best.name : undefined;
}
