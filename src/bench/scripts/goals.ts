// The benchmarks `npm run bench` runs and how each one's --json figures become rows of the table:
// issue 16's goals 1–5 (and the setup/up totals of goal 3), each with its target; rows without a
// target are for reference. Pure: all.ts runs the scripts, table.ts prints.
import type { Row } from './table.js';

export interface Benchmark {
  name: string;
  /** The goal label of its rows, for the row that says it could not run. */
  goal: string;
  title: string;
  /** The built script, relative to dist/. */
  script: string;
  args?: string[];
  env?: Record<string, string>;
  rows(figures: unknown): Row[];
}

interface Rates {
  bare: number;
  service: number;
  dev: number;
  serviceOverBare: number;
  devOverService: number;
}
/** CPU time per answer (µs) during the wrk runs; ratios as rates would be (bare µs ÷ service µs). */
interface CpuPerAnswer {
  bareUs: number;
  serviceUs: number;
  devUs: number;
  serviceOverBare: number;
  devOverService: number;
}
interface Lookup {
  p50: number;
  p99: number;
  qps: number;
}
interface Load {
  rate: number;
  dropped: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  valid: boolean;
}
interface SetupFigures {
  wallMs: number;
  recommendMs: number;
  stepsMs: number;
  restMs: number;
  rounds: number;
}

const perSecond = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
const ms = (n: number) => (n < 10 ? `${n.toFixed(2)} ms` : n < 1000 ? `${n.toFixed(0)} ms` : `${+(n / 1000).toFixed(2)} s`);

function setupRows(command: 'setup' | 'up', goalMs: number) {
  return (figures: unknown): Row[] => {
    const f = (figures as Record<string, SetupFigures>)[command]!;
    return [
      {
        goal: '3',
        what: `papi ${command} from clean, minus the recommendation step`,
        value: f.restMs,
        unit: 'ms',
        target: { op: '≤', value: goalMs },
        // Outside the setup steps: node and papi local starting, the sample generated (and for up, the deploy and the first GET).
        detail:
          `wall ${ms(f.wallMs)}, recommend ${ms(f.recommendMs)}, other setup steps ${ms(f.stepsMs - f.recommendMs)}, ` +
          `outside the setup steps ${ms(f.wallMs - f.stepsMs)}${f.rounds > 1 ? `; median of ${f.rounds}` : ''}`,
      },
    ];
  };
}

export const BENCHMARKS: Benchmark[] = [
  {
    name: 'service',
    goal: '1',
    title: 'cache hits: service and papi dev vs bare node:http',
    script: 'bench/scripts/service.js',
    // The misses' run that follows by default has no goal in the table.
    env: { PAPI_BENCH_MISSES: '0' },
    rows(figures) {
      const { wrk, papiBench, rounds, cpuPerAnswer: cpu, sharedCore } = figures as {
        wrk: Rates;
        papiBench: Rates;
        rounds: number;
        cpuPerAnswer?: CpuPerAnswer;
        sharedCore?: { serviceOverBare: number; devOverService: number };
      };
      return [
        {
          goal: '1',
          what: `cache hits, service ÷ bare node:http (wrk -t1 -c50 -d6s, median of ${rounds})`,
          value: wrk.serviceOverBare,
          unit: 'ratio',
          target: { op: '≥', value: 0.9 },
          detail: `bare ${perSecond(wrk.bare)}, service ${perSecond(wrk.service)}`,
        },
        { goal: '1', what: 'cache hits, papi dev ÷ service (wrk)', value: wrk.devOverService, unit: 'ratio', target: { op: '≥', value: 0.8 }, detail: `papi dev ${perSecond(wrk.dev)}` },
        {
          goal: 'ref',
          what: "the same through papi bench's generator (closed, 32): service ÷ bare, papi dev ÷ service",
          value: papiBench.serviceOverBare,
          unit: 'ratio',
          detail: `papi dev ÷ service ${papiBench.devOverService.toFixed(2)}×; bare ${perSecond(papiBench.bare)} (the generator's ceiling compresses these towards 1)`,
        },
        ...(cpu
          ? [
              {
                goal: 'ref',
                what: 'CPU time per answer during the wrk runs, as a rate ratio: bare µs ÷ service µs',
                value: cpu.serviceOverBare,
                unit: 'ratio',
                detail: `bare ${cpu.bareUs.toFixed(1)} µs, service ${cpu.serviceUs.toFixed(1)} µs, papi dev with its service ${cpu.devUs.toFixed(1)} µs (service ÷ papi dev ${cpu.devOverService.toFixed(2)}); less swayed by a busy machine than the rates`,
              } satisfies Row,
            ]
          : []),
        ...(sharedCore
          ? [
              {
                goal: 'ref',
                what: 'two at once sharing core 0, each with its own wrk: service ÷ bare answers',
                value: sharedCore.serviceOverBare,
                unit: 'ratio',
                detail: `papi dev ÷ service ${sharedCore.devOverService.toFixed(2)}×; the scheduler gives both the same CPU, so a busy machine slows both alike`,
              } satisfies Row,
            ]
          : []),
      ];
    },
  },
  {
    name: 'local',
    goal: '2',
    title: "papi local's point lookups through the driver vs a stub server",
    script: 'local/bench/lookup.js',
    rows(figures) {
      const { local, stub, duckdb, batch } = figures as { local: Lookup[]; stub: Lookup[]; duckdb: Lookup[]; batch: number };
      return [0, 1].flatMap((i): Row[] => {
        const ids = i === 0 ? '1 id' : `${batch} ids`;
        const [l, s, d] = [local[i]!, stub[i]!, duckdb[i]!];
        return [
          { goal: '2', what: `lookup, ${ids}: papi local ÷ stub, p50`, value: l.p50 / s.p50, unit: 'ratio', target: { op: '≤', value: 1.5 }, detail: `${ms(l.p50)} vs ${ms(s.p50)}; DuckDB direct ${ms(d.p50)}` },
          { goal: '2', what: `lookup, ${ids}: papi local ÷ stub, p99`, value: l.p99 / s.p99, unit: 'ratio', target: { op: '≤', value: 2 }, detail: `${ms(l.p99)} vs ${ms(s.p99)}; DuckDB direct ${ms(d.p99)}` },
        ];
      });
    },
  },
  {
    name: 'copy',
    goal: '3',
    title: 'COPY INTO of the 100,000 sample ratings on papi local',
    script: 'local/bench/copy.js',
    rows(figures) {
      const f = figures as { rows: number; rounds: number; copyWallMs: number; copyWallMinMs: number; copyCpuMs: number; readerWallMs: number };
      return [
        {
          goal: '3',
          what: `COPY INTO of ${f.rows.toLocaleString('en-US')} ratings (median of ${f.rounds})`,
          value: f.copyWallMs,
          unit: 'ms',
          target: { op: '≤', value: 500 },
          detail: `best ${ms(f.copyWallMinMs)}, CPU ${ms(f.copyCpuMs)}; papi's own reader ${ms(f.readerWallMs)}`,
        },
      ];
    },
  },
  { name: 'setup', goal: '3', title: 'papi setup from clean', script: 'bench/scripts/setup-up.js', args: ['setup'], rows: setupRows('setup', 2000) },
  { name: 'up', goal: '3', title: 'papi up from clean', script: 'bench/scripts/setup-up.js', args: ['up'], rows: setupRows('up', 5000) },
  {
    name: 'logins',
    goal: '4',
    title: '50 concurrent logins on papi local',
    script: 'local/bench/logins.js',
    rows(figures) {
      const f = figures as { logins: number; poolP50Ms: number; poolP99Ms: number; distinctP99Ms: number };
      return [
        {
          goal: '4',
          what: `${f.logins} concurrent logins of one user (a pool), p99`,
          value: f.poolP99Ms,
          unit: 'ms',
          target: { op: '≤', value: 500 },
          detail: `p50 ${ms(f.poolP50Ms)}; ${f.logins} different users (each hashed) p99 ${ms(f.distinctP99Ms)}`,
        },
      ];
    },
  },
  {
    name: 'cold',
    goal: '5',
    title: 'a cold cache under load through the ingress',
    script: 'bench/scripts/service-cold.js',
    rows(figures) {
      const { rate, seconds, cold, warm } = figures as { rate: number; seconds: number; cold: Load; warm: Load };
      const invalid = cold.valid ? '' : ' — the run was INVALID';
      return [
        { goal: '5', what: `cold cache after papi up, ${perSecond(rate)} for ${seconds} s: dropped sends`, value: cold.dropped, unit: 'count', target: { op: '≤', value: 0 }, detail: `errors ${cold.errors}${invalid}` },
        { goal: '5', what: 'the same: p99', value: cold.p99Ms, unit: 'ms', target: { op: '≤', value: 50 }, detail: `p50 ${ms(cold.p50Ms)}; warm p99 ${ms(warm.p99Ms)}, dropped ${warm.dropped}` },
      ];
    },
  },
  {
    name: 'generator',
    goal: 'ref',
    title: "papi bench's generator against a bare node:http server",
    script: 'bench/scripts/bench.js',
    rows(figures) {
      const f = figures as { sustainedOpenRate: number; overheadRate: number; sendLagP99MedianMs: number; closedRate: number };
      return [
        { goal: 'ref', what: "papi bench's generator: highest open-model rate held (issue 7)", value: f.sustainedOpenRate, unit: 'rate', target: { op: '≥', value: 5000 }, detail: `closed 32: ${perSecond(f.closedRate)}` },
        { goal: 'ref', what: `papi bench's generator: send lag p99 at ${perSecond(f.overheadRate)} (issue 7)`, value: f.sendLagP99MedianMs, unit: 'ms', target: { op: '≤', value: 1 } },
      ];
    },
  },
  {
    name: 'guard',
    goal: 'ref',
    title: "papi local's ingress guard",
    script: 'local/bench/ingress-guard.js',
    rows(figures) {
      const { plain, guarded } = figures as { plain: { p50: number; rps: number }; guarded: { p50: number; rps: number } };
      return [{ goal: 'ref', what: "a container's server with papi local's ingress guard ÷ without, throughput", value: guarded.rps / plain.rps, unit: 'ratio', detail: `p50 ${ms(guarded.p50)} vs ${ms(plain.p50)}` }];
    },
  },
];
