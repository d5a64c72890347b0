import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleLines } from '../data/sample.js';
import { countJoins, formatTable, loadMs, parseStepLine, parseTimeout, recommendMs, runScale, type ScaleRun } from './scale.js';

describe('bench:scale', () => {
  it("reads setup's step lines, whatever the duration's format", () => {
    expect(parseStepLine('✓ Load ratings loaded · 1,000,209 rows (38.9s)')).toEqual({ title: 'Load ratings loaded · 1,000,209 rows', ms: 38_900 });
    expect(parseStepLine('✓ Compute recommendations (item-knn) computed (2m5s)')).toEqual({ title: 'Compute recommendations (item-knn) computed', ms: 125_000 });
    expect(parseStepLine('✓ Create roles (92ms)')).toEqual({ title: 'Create roles', ms: 92 });
    expect(parseStepLine('Set up on papi local (http://127.0.0.1:1): 6 of 16 steps changed (32.9s). Next: papi deploy')).toBeUndefined();
  });

  it('counts the joins of the 100k sample\'s first 20,000 ratings as enumerating them does', () => {
    const byUser = new Map<string, Array<{ item: number; at: string }>>();
    const byItem = new Map<number, string[]>();
    const lines = [...sampleLines({ size: '100k' })].filter(([kind]) => kind === 'ratings').slice(0, 20_000);
    for (const [, line] of lines) {
      const [user, item, , at] = line.split(',') as [string, string, string, string];
      if (!byUser.has(user)) byUser.set(user, []);
      if (!byItem.has(Number(item))) byItem.set(Number(item), []);
      byUser.get(user)!.push({ item: Number(item), at });
      byItem.get(Number(item))!.push(user);
    }
    // Walk the pairs as the SQL joins them: b.ITEM_ID > a.ITEM_ID within a user, b.USER_ID <> a.USER_ID within a title.
    let itemPairs = 0;
    const similar = new Map<number, Set<number>>();
    for (const rated of byUser.values())
      for (const a of rated)
        for (const b of rated)
          if (b.item > a.item) {
            itemPairs++;
            similar.set(a.item, (similar.get(a.item) ?? new Set()).add(b.item));
            similar.set(b.item, (similar.get(b.item) ?? new Set()).add(a.item));
          }
    // Scoring: each user's 9 newest ratings (by time, then title id) joined with every title similar to them.
    let scoring = 0;
    for (const rated of byUser.values()) {
      const newest = [...rated].sort((p, q) => q.at.localeCompare(p.at) || q.item - p.item).slice(0, 9);
      for (const { item } of newest) scoring += similar.get(item)?.size ?? 0;
    }
    let userPairs = 0;
    for (const users of byItem.values()) for (const a of users) for (const b of users) if (b !== a) userPairs++;
    expect(countJoins(lines, 1682)).toEqual({ ratings: 20_000, itemKnnPairs: itemPairs, itemKnnScoring: scoring, userKnnPairs: userPairs });
  });

  it('takes the timeout in minutes or seconds, and refuses anything else', () => {
    expect(parseTimeout('30')).toBe(1_800_000);
    expect(parseTimeout('30m')).toBe(1_800_000);
    expect(parseTimeout('90s')).toBe(90_000);
    expect(() => parseTimeout('soon')).toThrow(/--timeout "soon"/);
    expect(() => parseTimeout('0')).toThrow(/--timeout/);
  });

  it('shows a run stopped at its timeout as did not finish, with the steps it finished', () => {
    const steps = [
      { title: 'Clear the stage folders applied', ms: 100 },
      { title: 'Load ratings loaded · 10,000,054 rows', ms: 60_000 },
      { title: 'Load titles loaded · 10,681 rows', ms: 400 },
      { title: 'Load users loaded · 71,567 rows', ms: 500 },
    ];
    const run: ScaleRun = {
      size: '10m',
      algorithm: 'user-knn',
      status: 'timeout',
      wallMs: 1_800_000,
      localStartMs: 900,
      steps,
      unfinished: { after: 'Load users loaded · 71,567 rows', ms: 1_700_000, cpuS: 410 },
      cpuS: 3300,
      peakRssMb: 6100,
      timeoutMs: 1_800_000,
      loadAvg: { start: 4.2, end: 9.75 },
    };
    const done: ScaleRun = { ...run, size: '100k', status: 'done', wallMs: 34_300, steps: [...steps, { title: 'Compute recommendations (user-knn) computed', ms: 5_000, cpuS: 4.2 }], unfinished: undefined };
    expect(loadMs(steps)).toBe(61_000);
    expect(recommendMs(done.steps)).toBe(5_000);
    const lines = formatTable([done, run]).split('\n');
    expect(lines[0]).toMatch(/^size\s+algorithm\s+setup wall\s+load\s+recommendations\s+papi local CPU\s+peak RSS\s+load avg\s+note$/);
    expect(lines[1]).toMatch(/^100k\s+user-knn\s+34\.3 s\s+1 min 01 s\s+5\.0 s \(4 CPU s\)\s+3300 s\s+6100 MB\s+4\.2→9\.8$/);
    expect(lines[2]).toMatch(/^10m\s+user-knn\s+> 30 min 00 s\s+1 min 01 s\s+> 28 min 20 s \(410 CPU s\) unfinished.*did not finish after 30 min: stopped 28 min 20 s after "Load users"$/);
  });

  it('stops a run at its timeout: reported as did not finish, papi local stopped, the project removed', async () => {
    let project: { dir: string; pid: number } | undefined;
    const run = await runScale({ size: '100k', algorithm: 'item-knn', timeoutMs: 3000, onProject: (dir, pid) => (project = { dir, pid }) });
    expect(run.status).toBe('timeout');
    expect(formatTable([run])).toMatch(/did not finish after 3 s: stopped [\d.]+ s after "/);
    expect(project).toBeDefined();
    expect(existsSync(project!.dir)).toBe(false);
    expect(() => process.kill(project!.pid, 0)).toThrow();
  }, 120_000);
});
