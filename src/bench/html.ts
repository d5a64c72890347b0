// The --output report: one self-contained HTML page (inline CSS and SVG, no script, no external
// resource) with the summary, latency over time and the latency distribution.
import { fmt, gateText, pct, type BenchReport } from './report.js';

const WIDTH = 760;
const HEIGHT = 260;
const PAD = { left: 56, right: 16, top: 16, bottom: 36 };

export function renderHtml(report: BenchReport): string {
  const r = report;
  const load = r.model === 'open' ? `open model, ${r.rate}/s` : `closed model, ${r.concurrency} connections`;
  const rows: Array<[string, string]> = [
    ['target', r.settings.url],
    ['load', `${load}, cache ${r.settings.cache}, ${r.settings.idsPerRequest} id(s)/request`],
    ['started', r.startedAt],
    ['requests', `${r.completed} answered of ${r.sent} sent in ${fmt(r.elapsedS)} s${r.dropped ? `, ${r.dropped} dropped` : ''}`],
    ['rate', `${fmt(r.achievedRate)}/s achieved (${fmt(r.offeredRate)}/s offered)`],
    ['errors', `${r.errors.total} (${pct(r.errors.rate)})`],
    ['cache hits', r.cache.hitRatio === null ? 'no X-Cache header' : pct(r.cache.hitRatio)],
  ];
  const percentileRows = [
    ['from intended start', r.latencyMs],
    ['service time', r.serviceTimeMs],
    ...(r.sendLagMs ? [['send lag', r.sendLagMs] as const] : []),
  ] as const;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>papi bench — ${esc(r.settings.url)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 800px; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
td, th { padding: 2px 10px; text-align: left; border-bottom: 1px solid #eee; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.invalid { background: #fde8e8; border: 1px solid #e0a0a0; padding: 0.5rem 1rem; }
svg text { font: 11px system-ui, sans-serif; fill: #444; }
.p50 { stroke: #2b7bb9; } .p99 { stroke: #d9822b; } .max { stroke: #c23030; stroke-dasharray: 3 3; }
</style>
</head>
<body>
<h1>papi bench</h1>
${r.invalidReasons.map((reason) => `<p class="invalid">Invalid run: ${esc(reason)}</p>`).join('\n')}
${r.advice.map((line) => `<p class="invalid">What to do: ${esc(line)}</p>`).join('\n')}
${r.notes.map((note) => `<p>Note: ${esc(note)}</p>`).join('\n')}
<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Latency (ms)</h2>
<table><tr><th></th>${['p50', 'p90', 'p95', 'p99', 'p99.9', 'max'].map((h) => `<th class="n">${h}</th>`).join('')}</tr>
${percentileRows.map(([name, p]) => `<tr><th>${esc(name)}</th>${[p.p50, p.p90, p.p95, p.p99, p.p99_9, p.max].map((v) => `<td class="n">${fmt(v)}</td>`).join('')}</tr>`).join('\n')}
</table>
${r.gates.length ? `<ul>${r.gates.map((g) => `<li>${esc(gateText(g))}</li>`).join('')}</ul>` : ''}
<h2>Latency over time</h2>
${timelineSvg(r)}
<h2>Distribution</h2>
${distributionSvg(r)}
</body>
</html>
`;
}

function timelineSvg(r: BenchReport): string {
  const points = r.timeline.points;
  if (points.length === 0) return '<p>No responses.</p>';
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const span = Math.max(points[points.length - 1]!.atS + r.timeline.bucketMs / 1000, 0.001);
  const top = niceMax(Math.max(...points.map((p) => p.maxMs), 0.001));
  const x = (s: number) => PAD.left + (s / span) * plotW;
  const y = (ms: number) => PAD.top + plotH - (ms / top) * plotH;
  const mid = r.timeline.bucketMs / 2000;
  const line = (cls: string, value: (p: (typeof points)[number]) => number) =>
    `<polyline class="${cls}" fill="none" stroke-width="1.5" points="${points.map((p) => `${x(p.atS + mid).toFixed(1)},${y(value(p)).toFixed(1)}`).join(' ')}"/>`;
  return `<svg width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="latency over time">
${axes(plotW, plotH, top, 'ms', span, 's')}
${line('max', (p) => p.maxMs)}
${line('p99', (p) => p.p99Ms)}
${line('p50', (p) => p.p50Ms)}
<text x="${PAD.left + 8}" y="${PAD.top + 12}"><tspan fill="#2b7bb9">p50</tspan> · <tspan fill="#d9822b">p99</tspan> · <tspan fill="#c23030">max</tspan> per ${fmt(r.timeline.bucketMs)} ms of intended start</text>
</svg>`;
}

function distributionSvg(r: BenchReport): string {
  const buckets = r.distribution;
  if (buckets.length === 0) return '<p>No responses.</p>';
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const top = niceMax(Math.max(...buckets.map((b) => b.count)));
  const slot = plotW / buckets.length;
  let previous = 0;
  const bars = buckets.map((b, i) => {
    const h = (b.count / top) * plotH;
    const label = b.upToMs === null ? `>${fmt(previous)}` : `≤${fmt(b.upToMs)}`;
    if (b.upToMs !== null) previous = b.upToMs;
    const bx = PAD.left + i * slot;
    return `<rect x="${(bx + 2).toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${Math.max(1, slot - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="#2b7bb9"><title>${esc(label)} ms: ${b.count}</title></rect>
<text x="${(bx + slot / 2).toFixed(1)}" y="${HEIGHT - PAD.bottom + 14}" text-anchor="middle">${esc(label)}</text>`;
  });
  return `<svg width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="latency distribution">
${axes(plotW, plotH, top, 'requests', undefined, 'ms')}
${bars.join('\n')}
</svg>`;
}

function axes(plotW: number, plotH: number, top: number, yUnit: string, xSpan: number | undefined, xUnit: string): string {
  const parts = [
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}" stroke="#888"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${PAD.left + plotW}" y2="${PAD.top + plotH}" stroke="#888"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const value = (top * i) / 4;
    const yy = PAD.top + plotH - (plotH * i) / 4;
    parts.push(`<line x1="${PAD.left}" y1="${yy}" x2="${PAD.left + plotW}" y2="${yy}" stroke="#eee"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${yy + 4}" text-anchor="end">${fmt(value)}</text>`);
  }
  parts.push(`<text x="12" y="${PAD.top + plotH / 2}" transform="rotate(-90 12 ${PAD.top + plotH / 2})" text-anchor="middle">${esc(yUnit)}</text>`);
  if (xSpan !== undefined)
    for (let i = 0; i <= 4; i++) {
      const xx = PAD.left + (plotW * i) / 4;
      parts.push(`<text x="${xx}" y="${PAD.top + plotH + 14}" text-anchor="middle">${fmt((xSpan * i) / 4)}</text>`);
    }
  parts.push(`<text x="${PAD.left + plotW}" y="${HEIGHT - 4}" text-anchor="end">${esc(xUnit)}</text>`);
  return parts.join('\n');
}

/** A round axis maximum (1, 2, 5 × 10^n) at or above value. */
function niceMax(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
