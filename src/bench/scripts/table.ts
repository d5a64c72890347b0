// The table `npm run bench` prints: one row per figure, its target and whether it was met, under the
// date and the machine it was measured on; as text for a terminal, or as Markdown for the README.
export interface Row {
  /** Issue 16's goal number, or 'ref' for a figure kept for reference. */
  goal: string;
  what: string;
  value?: number;
  unit: 'ratio' | 'ms' | 'count' | 'rate';
  target?: { op: '≤' | '≥'; value: number };
  detail?: string;
  /** Why the benchmark gave no figure. */
  notRun?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  loadBefore: number[];
  loadAfter: number[];
}

export interface BenchTable {
  /** ISO 8601, UTC. */
  date: string;
  machine: Machine;
  rows: Row[];
}

/** Whether the row's figure meets its target; undefined when it has no target or no figure. */
export function met(row: Row): boolean | undefined {
  if (!row.target || row.value === undefined || !Number.isFinite(row.value)) return undefined;
  return row.target.op === '≤' ? row.value <= row.target.value : row.value >= row.target.value;
}

export function formatValue(value: number, unit: Row['unit']): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 'ratio':
      return `${value.toFixed(2)}×`;
    case 'ms':
      return value < 10 ? `${+value.toFixed(2)} ms` : value < 1000 ? `${value.toFixed(0)} ms` : `${+(value / 1000).toFixed(2)} s`;
    case 'count':
      return Math.round(value).toLocaleString('en-US');
    case 'rate':
      return `${Math.round(value).toLocaleString('en-US')}/s`;
  }
}

const verdict = (row: Row): string => {
  if (row.notRun) return 'not run';
  const ok = met(row);
  return ok === undefined ? '—' : ok ? 'met' : 'NOT MET';
};

/** The cells of a row: goal, what, figure, target, met, detail. */
function cells(row: Row): string[] {
  const figure = row.notRun ? '—' : row.value === undefined ? '—' : formatValue(row.value, row.unit);
  const target = row.target ? `${row.target.op} ${formatValue(row.target.value, row.unit)}` : '—';
  return [row.goal, row.what, figure, target, verdict(row), row.notRun ?? row.detail ?? ''];
}

const HEADERS = ['goal', 'measure', 'figure', 'target', 'met', 'detail'];
const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(' ');

function heading(table: BenchTable): string[] {
  const m = table.machine;
  const date = `${table.date.slice(0, 16).replace('T', ' ')} UTC`;
  return [
    `${date} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB, ${m.os}, Node ${m.node}`,
    `load average (1, 5, 15 min) before ${load(m.loadBefore)}, after ${load(m.loadAfter)}`,
  ];
}

export function summary(table: BenchTable): string {
  // The reference rows' targets (other issues') are shown in their rows, not counted here.
  const judged = table.rows.filter((r) => r.goal !== 'ref' && met(r) !== undefined);
  const notRun = table.rows.filter((r) => r.notRun).length;
  return `${judged.filter((r) => met(r)).length} of ${judged.length} goal targets met${notRun > 0 ? `; ${notRun} benchmark(s) not run` : ''}`;
}

export function renderText(table: BenchTable): string {
  const rows = [HEADERS, ...table.rows.map(cells)];
  const widths = HEADERS.map((_, i) => (i === HEADERS.length - 1 ? 0 : Math.max(...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [...heading(table), '', line(rows[0]!), ...rows.slice(1).map(line), '', summary(table)].join('\n');
}

const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');

export function renderMarkdown(table: BenchTable): string {
  return [
    ...heading(table).map((l) => `${l}  `),
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map((h) => (h === 'figure' ? '---:' : '---')).join('|')}|`,
    ...table.rows.map((r) => `| ${cells(r).map(escapeCell).join(' | ')} |`),
    '',
    summary(table),
  ].join('\n');
}

export const README_START = '<!-- bench:table -->';
export const README_END = '<!-- /bench:table -->';

/** The README with the text between its bench:table markers replaced by markdown. */
export function replaceReadmeBlock(readme: string, markdown: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} block to replace`);
  return `${readme.slice(0, start + README_START.length)}\n${markdown}\n${readme.slice(end)}`;
}
