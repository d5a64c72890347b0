// The table of `npm run bench` from canned figures: the rows each benchmark's --json gives, the goal
// checks, the rendering and the README block. No figure is measured here (performance is never asserted).
import { describe, expect, it } from 'vitest';
import { parseArgs, rowsOf } from './all.js';
import { BENCHMARKS } from './goals.js';
import { stepTimes } from './setup-up.js';
import { formatValue, met, renderMarkdown, renderText, replaceReadmeBlock, summary, type BenchTable, type Row } from './table.js';

const benchmark = (name: string) => BENCHMARKS.find((b) => b.name === name)!;

const machine = { cpu: 'Test CPU', cores: 2, memoryGiB: 7.75, node: 'v20.0.0', os: 'Linux 6.1', loadBefore: [1, 0.5, 0.25], loadAfter: [2, 1, 0.5] };

describe('goal checks', () => {
  it('compares a figure with its target in the direction the goal says', () => {
    expect(met({ goal: '1', what: '', value: 0.9, unit: 'ratio', target: { op: '≥', value: 0.9 } })).toBe(true);
    expect(met({ goal: '1', what: '', value: 0.89, unit: 'ratio', target: { op: '≥', value: 0.9 } })).toBe(false);
    expect(met({ goal: '3', what: '', value: 500, unit: 'ms', target: { op: '≤', value: 500 } })).toBe(true);
    expect(met({ goal: '3', what: '', value: 501, unit: 'ms', target: { op: '≤', value: 500 } })).toBe(false);
  });

  it('judges nothing without a target or a figure (NaN from a zero division included)', () => {
    expect(met({ goal: 'ref', what: '', value: 1.2, unit: 'ratio' })).toBeUndefined();
    expect(met({ goal: '2', what: '', value: Number.NaN, unit: 'ratio', target: { op: '≤', value: 1.5 } })).toBeUndefined();
    expect(met({ goal: '2', what: '', unit: 'count', target: { op: '≤', value: 0 }, notRun: 'wrk missing' })).toBeUndefined();
  });
});

describe('rows from each benchmark’s figures', () => {
  it('service: wrk ratios against 0.9 and 0.8, papi bench’s for reference', () => {
    const rates = (serviceOverBare: number, devOverService: number) => ({ bare: 40_000, service: 36_000, dev: 30_000, serviceOverBare, devOverService });
    const rows = benchmark('service').rows({ rounds: 3, wrk: rates(0.91, 0.79), papiBench: rates(0.97, 0.95) });
    expect(rows.map((r) => [r.goal, r.value, met(r)])).toEqual([
      ['1', 0.91, true],
      ['1', 0.79, false],
      ['ref', 0.97, undefined],
    ]);
    expect(rows[0]!.detail).toBe('bare 40,000/s, service 36,000/s');
  });

  it('service: CPU per answer and the shared-core ratio as reference rows when measured', () => {
    const rates = { bare: 40_000, service: 36_000, dev: 30_000, serviceOverBare: 0.9, devOverService: 0.83 };
    const cpuPerAnswer = { bareUs: 16, serviceUs: 20, devUs: 22.5, serviceOverBare: 0.8, devOverService: 0.89 };
    const rows = benchmark('service').rows({ rounds: 3, wrk: rates, papiBench: rates, cpuPerAnswer, sharedCore: { serviceOverBare: 0.86, devOverService: 0.93 } });
    expect(rows.slice(-2).map((r) => [r.goal, r.value, met(r)])).toEqual([
      ['ref', 0.8, undefined],
      ['ref', 0.86, undefined],
    ]);
    expect(rows.at(-1)!.detail).toMatch(/^papi dev ÷ service 0\.93×/);
    expect(rows.at(-2)!.detail).toBe('bare 16.0 µs, service 20.0 µs, papi dev with its service 22.5 µs (service ÷ papi dev 0.89); less swayed by a busy machine than the rates');
  });

  it('local: papi local ÷ stub for 1 and 10 ids, p50 against 1.5 and p99 against 2', () => {
    const f = (p50: number, p99: number) => ({ p50, p99, qps: 1000 });
    const rows = benchmark('local').rows({ batch: 10, local: [f(1.4, 4), f(3, 5)], stub: [f(1, 2), f(1.5, 2)], duckdb: [f(0.5, 1), f(0.6, 1)] });
    expect(rows.map((r) => [r.what, r.value, r.target?.value, met(r)])).toEqual([
      ['lookup, 1 id: papi local ÷ stub, p50', 1.4, 1.5, true],
      ['lookup, 1 id: papi local ÷ stub, p99', 2, 2, true],
      ['lookup, 10 ids: papi local ÷ stub, p50', 2, 1.5, false],
      ['lookup, 10 ids: papi local ÷ stub, p99', 2.5, 2, false],
    ]);
  });

  it('setup and up: the command minus its recommendation step, against 2 s and 5 s', () => {
    const figures = { setup: { wallMs: 9000, recommendMs: 7500, stepsMs: 8000, restMs: 1500, rounds: 1 }, up: { wallMs: 14_000, recommendMs: 7000, stepsMs: 8000, restMs: 7000, rounds: 3 } };
    const [setup] = benchmark('setup').rows(figures);
    const [up] = benchmark('up').rows(figures);
    expect([setup!.value, setup!.target, met(setup!)]).toEqual([1500, { op: '≤', value: 2000 }, true]);
    expect([up!.value, up!.target, met(up!)]).toEqual([7000, { op: '≤', value: 5000 }, false]);
    expect(up!.detail).toBe('wall 14 s, recommend 7 s, other setup steps 1 s, outside the setup steps 6 s; median of 3');
  });

  it('cold: no dropped sends and p99 ≤ 50 ms', () => {
    const load = (dropped: number, p99Ms: number) => ({ rate: 1000, dropped, errors: 0, p50Ms: 1, p99Ms, valid: true });
    const rows = benchmark('cold').rows({ rate: 1000, seconds: 60, cold: load(3, 40), warm: load(0, 5) });
    expect(rows.map((r) => [r.value, met(r)])).toEqual([
      [3, false],
      [40, true],
    ]);
  });

  it('copy and logins: against 500 ms', () => {
    const [copy] = benchmark('copy').rows({ rows: 100_000, rounds: 5, copyWallMs: 420, copyWallMinMs: 400, copyCpuMs: 380, readerWallMs: 90 });
    const [logins] = benchmark('logins').rows({ logins: 50, poolP50Ms: 100, poolP99Ms: 600, distinctP99Ms: 4000 });
    expect([met(copy!), met(logins!)]).toEqual([true, false]);
  });

  it('a benchmark that could not run gives one row saying why, not a crash', () => {
    expect(rowsOf(benchmark('service'), { failure: 'exit 2: wrk is not installed' })).toEqual([
      { goal: '1', what: benchmark('service').title, unit: 'count', notRun: 'exit 2: wrk is not installed' },
    ]);
    const [row] = rowsOf(benchmark('copy'), { figures: { unexpected: true } });
    expect(row!.notRun).toMatch(/did not have the expected shape/);
  });
});

describe('the setup steps of papi setup --json', () => {
  it('sums the recommend phase apart from the rest', () => {
    const steps = [
      { id: 'roles', phase: 'objects', ms: 100 },
      { id: 'load', phase: 'data', ms: 300 },
      { id: 'similar', phase: 'recommend', ms: 1000 },
      { id: 'top', phase: 'recommend', ms: 500 },
      { id: 'publish', phase: 'publish', ms: 50 },
    ];
    expect(stepTimes(steps)).toEqual({ recommendMs: 1500, stepsMs: 1950, phasesMs: { objects: 100, data: 300, recommend: 1500, publish: 50 } });
  });
});

describe('rendering', () => {
  const rows: Row[] = [
    { goal: '1', what: 'service ÷ bare', value: 0.853, unit: 'ratio', target: { op: '≥', value: 0.9 }, detail: 'bare 40,000/s' },
    { goal: '3', what: 'setup minus recommend', value: 1850, unit: 'ms', target: { op: '≤', value: 2000 } },
    { goal: '4', what: 'logins | pool', unit: 'count', notRun: 'exit 1: boom' },
    { goal: 'ref', what: 'guard', value: 1.07, unit: 'ratio' },
    { goal: 'ref', what: 'generator', value: 100, unit: 'rate', target: { op: '≥', value: 5000 } },
  ];
  const table: BenchTable = { date: '2026-12-06T12:34:56.789Z', machine, rows };

  it('formats figures by unit', () => {
    expect([formatValue(0.853, 'ratio'), formatValue(2.5, 'ms'), formatValue(420.4, 'ms'), formatValue(2000, 'ms'), formatValue(1850, 'ms'), formatValue(12345, 'rate'), formatValue(3, 'count')]).toEqual([
      '0.85×',
      '2.5 ms',
      '420 ms',
      '2 s',
      '1.85 s',
      '12,345/s',
      '3',
    ]);
  });

  it('prints the date, the machine and the load average above the rows', () => {
    const text = renderText(table);
    expect(text.split('\n').slice(0, 2)).toEqual([
      '2026-12-06 12:34 UTC on Test CPU, 2 cores, 7.8 GiB, Linux 6.1, Node v20.0.0',
      'load average (1, 5, 15 min) before 1.00 0.50 0.25, after 2.00 1.00 0.50',
    ]);
    expect(text).toMatch(/^1 +service ÷ bare +0\.85× +≥ 0\.90× +NOT MET +bare 40,000\/s$/m);
    expect(text).toMatch(/^3 +setup minus recommend +1\.85 s +≤ 2 s +met$/m);
    expect(text).toMatch(/^4 +logins \| pool +— +— +not run +exit 1: boom$/m);
    expect(text.trimEnd().endsWith('1 of 2 goal targets met; 1 benchmark(s) not run')).toBe(true);
    expect(summary(table)).toBe('1 of 2 goal targets met; 1 benchmark(s) not run');
  });

  it('as Markdown: one table row per figure, pipes in cells escaped', () => {
    const markdown = renderMarkdown(table).split('\n');
    expect(markdown).toContain('| goal | measure | figure | target | met | detail |');
    expect(markdown).toContain('|---|---|---:|---|---|---|');
    expect(markdown).toContain('| 1 | service ÷ bare | 0.85× | ≥ 0.90× | NOT MET | bare 40,000/s |');
    expect(markdown).toContain('| 4 | logins \\| pool | — | — | not run | exit 1: boom |');
    expect(markdown).toContain('| ref | guard | 1.07× | — | — |  |');
    expect(markdown).toContain('| ref | generator | 100/s | ≥ 5,000/s | NOT MET |  |');
  });

  it('replaces only the README block between the bench:table markers', () => {
    const readme = 'before\n<!-- bench:table -->\nold table\n<!-- /bench:table -->\nafter\n';
    expect(replaceReadmeBlock(readme, 'new table')).toBe('before\n<!-- bench:table -->\nnew table\n<!-- /bench:table -->\nafter\n');
    expect(() => replaceReadmeBlock('no markers', 'x')).toThrow(/no <!-- bench:table -->/);
  });
});

describe('options', () => {
  it('--only takes a list of known benchmarks', () => {
    expect(parseArgs(['--only', 'copy,logins', '--markdown'])).toEqual({ only: ['copy', 'logins'], json: false, markdown: true, writeReadme: false });
    expect(parseArgs(['--only=setup'])).toMatchObject({ only: ['setup'] });
    expect(() => parseArgs(['--only', 'copy,nope'])).toThrow(/unknown benchmark nope; the benchmarks are service, local, copy/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option --fast/);
  });
});
