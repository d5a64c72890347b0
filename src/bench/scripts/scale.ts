// npm run bench:scale (issue 15 item 3; not part of the test suite): `papi setup --data sample
// --sample-size <size>` on papi local for each size and recommender, each in a fresh temp project,
// one after the other. Prints one table (or --json): setup's wall time, the load (PUT + COPY INTO),
// the recommendation step, papi local's CPU seconds and peak resident memory, and the load average
// at each run's start and end (the machines are shared; CPU seconds say more than wall time there).
// A run past --timeout is stopped (setup killed, papi local stopped, the folder removed) and reported
// as "did not finish" with the steps it finished.
//
//   npm run bench:scale [-- --sizes 100k,1m,10m --algorithms item-knn,user-knn --timeout 30 --joins --json]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { cleanUpOnSignal, formatDuration, formatTable, joinSizes, parseTimeout, runScale, SCALE_ALGORITHMS, SCALE_SIZES, type ScaleRun } from '../scale.js';

function list<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = items.filter((s) => !allowed.includes(s as T));
  if (items.length === 0 || bad.length > 0) {
    console.error(`--${flag}: ${bad.length ? `unknown ${bad.join(', ')}` : 'empty'}; choose from ${allowed.join(', ')}`);
    process.exit(2);
  }
  return items as T[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: SCALE_SIZES.join(',') },
      algorithms: { type: 'string', default: 'item-knn,user-knn' },
      timeout: { type: 'string', default: '30' },
      json: { type: 'boolean', default: false },
      joins: { type: 'boolean', default: false },
    },
  });
  const sizes = list('sizes', values.sizes, SCALE_SIZES);
  const algorithms = list('algorithms', values.algorithms, SCALE_ALGORITHMS);
  let timeoutMs: number;
  try {
    timeoutMs = parseTimeout(values.timeout);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  cleanUpOnSignal();
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  console.error(`bench:scale ${startedAt}: sizes ${sizes.join(', ')} × ${algorithms.join(', ')}, timeout ${formatDuration(timeoutMs)} a run; load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);
  const runs: ScaleRun[] = [];
  for (const size of sizes)
    for (const algorithm of algorithms) {
      console.error(`\n${size} ${algorithm}:`);
      const run = await runScale({ size, algorithm, timeoutMs, onStep: (s) => console.error(`  ${s.title} ${formatDuration(s.ms)}`) });
      runs.push(run);
      console.error(`  → ${run.status}, ${formatDuration(run.wallMs)}${run.cpuS === undefined ? '' : `, papi local ${run.cpuS.toFixed(0)} CPU s, peak ${run.peakRssMb?.toFixed(0)} MB`}${run.error ? `: ${run.error}` : ''}`);
    }
  const loadEnd = loadavg();
  // Counted from the generated files (a pass over the 10m sample takes about 20 s of CPU): why the curve bends.
  const joins = values.joins ? sizes.map((size) => ({ size, ...joinSizes(size) })) : undefined;
  if (values.json) {
    console.log(JSON.stringify({ startedAt, endedAt: new Date().toISOString(), loadAverage: { start: loadStart, end: loadEnd }, timeoutMs, runs, ...(joins ? { joins } : {}) }, null, 2));
  } else {
    console.log(`\npapi setup --data sample --sample-size <size> on papi local, ${startedAt}`);
    console.log(`load average (1, 5, 15 min) at start ${loadStart.map((l) => l.toFixed(2)).join(' ')}, at end ${loadEnd.map((l) => l.toFixed(2)).join(' ')}\n`);
    console.log(formatTable(runs));
    if (joins) {
      console.log('\nrows the joins produce: item-knn pairs of titles one user rated, and its scoring (each user\'s 9 newest ratings ×');
      console.log('the titles sharing a rater with them); user-knn pairs of users who rated one title (both orders)');
      const n = (x: number, width: number) => x.toLocaleString('en-US').padStart(width);
      for (const j of joins)
        console.log(`${j.size.padEnd(5)} ${n(j.ratings, 11)} ratings  item-knn pairs ${n(j.itemKnnPairs, 14)}  scoring ${n(j.itemKnnScoring, 14)}  user-knn pairs ${n(j.userKnnPairs, 15)}`);
    }
  }
  process.exitCode = runs.some((r) => r.status === 'failed') ? 1 : 0;
}

await main();
