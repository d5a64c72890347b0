// papi evaluate's table for people: one row per algorithm, the notebook's first, each metric with its
// change against the notebook's.
import type { EvaluateResult, Metrics } from './index.js';

const METRICS: Array<[keyof Metrics, string]> = [
  ['ndcg', 'NDCG@10'],
  ['recall', 'Recall@10'],
  ['precision', 'Precision@10'],
  ['map', 'MAP@10'],
  ['coverage', 'Coverage@10'],
];

export function formatEvaluation(result: EvaluateResult): string {
  const header = ['algorithm', 'settings', ...METRICS.map(([, label]) => label), 'fit'];
  const lines = result.rows.map((row) => [
    `${row.algorithm}${row.configured ? ' *' : ''}`,
    Object.entries(row.parameters).map(([k, v]) => `${k}=${v}`).join(' ') || '-',
    ...METRICS.map(([key]) => (row.algorithm === 'notebook' ? row.metrics[key].toFixed(3) : `${row.metrics[key].toFixed(3)} ${percent(row.change[key])}`)),
    `${(row.fitMs / 1000).toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const { split } = result;
  return [
    `Hold-out evaluation on ${result.source}: ${split.testUsers.toLocaleString('en-US')} test users, ` +
      `${split.trainRatings.toLocaleString('en-US')} train and ${split.testRatings.toLocaleString('en-US')} test ratings ` +
      `(each user's last 20 % by time; settings chosen on a validation split of train).`,
    '',
    render(header),
    ...lines.map(render),
    '',
    `Changes are against the notebook's row.${result.rows.some((r) => r.configured) ? ' * = the algorithm papi setup uses with this papi.yaml.' : ''}`,
  ].join('\n');
}

function percent(change: number): string {
  const p = Math.round(change * 1000) / 10;
  return `(${p >= 0 ? '+' : ''}${p.toFixed(1)} %)`;
}
