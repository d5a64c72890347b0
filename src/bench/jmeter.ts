// `papi bench --export-jmeter plan.jmx`: a JMeter plan equivalent to the run, for teams that keep
// JMeter. JMeter has no open model: a rate becomes a closed thread group paced by a Constant
// Throughput Timer (as the tutorial's "150–200 QPS" plan was), with enough threads for the rate at
// a 250 ms response time (Little's law). The ids go into a CSV beside the plan, one request per
// line in the order papi would ask them, with the sharing mode that matches --cache.
//
// The plan is laid out as JMeter 5.6.3 saves one (templates/jmeter-plan.jmx): what papi has to say
// about it goes into the test plan's Comments field, not into an XML comment, so no text of ours
// can break the XML (`--` is not allowed inside an XML comment, and JMeter's loader refuses it).
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { packagePath } from '../paths.js';
import type { LoadModel } from './run.js';
import type { CacheMode, IdPicker } from './ids.js';

/** Response time the thread count is sized for when only a rate is given. */
const SIZING_LATENCY_S = 0.25;
const MAX_THREADS = 1000;

export interface JmeterPlanInput {
  url: string;
  headers: Record<string, string>;
  model: LoadModel;
  requests?: number;
  durationS?: number;
  timeoutMs: number;
  cache: CacheMode;
  /** The CSV file name the plan reads, relative to the plan (JMeter resolves it from the plan's folder). */
  csvFile: string;
}

export interface JmeterSettings {
  threads: number;
  loops: number;
  rampSeconds: number;
  perMinute: number;
}

export function jmeterSettings(input: Pick<JmeterPlanInput, 'model' | 'requests' | 'durationS'>): JmeterSettings {
  const model = input.model;
  const threads =
    model.kind === 'open' ? Math.min(MAX_THREADS, Math.max(1, Math.ceil(model.rate * SIZING_LATENCY_S))) : model.concurrency;
  return {
    threads,
    loops: input.durationS !== undefined ? -1 : Math.max(1, Math.ceil((input.requests ?? 0) / threads)),
    rampSeconds: model.kind === 'open' ? Math.max(1, Math.min(10, Math.ceil(threads / model.rate))) : 1,
    perMinute: model.kind === 'open' ? model.rate * 60 : 0,
  };
}

export async function renderJmeterPlan(input: JmeterPlanInput): Promise<string> {
  const url = new URL(input.url);
  const s = jmeterSettings(input);
  const csv = CSV_MODES[input.cache];
  const headers = Object.entries(input.headers)
    .map(
      ([name, value]) => `
            <elementProp name="" elementType="Header">
              <stringProp name="Header.name">${xml(name)}</stringProp>
              <stringProp name="Header.value">${xml(value)}</stringProp>
            </elementProp>`,
    )
    .join('');
  const template = await readFile(packagePath('templates', 'jmeter-plan.jmx'), 'utf8');
  return fill(template, {
    COMMENT: xml(
      `Written by papi bench (export to JMeter). ${
        input.model.kind === 'open'
          ? `Rate ${input.model.rate}/s as a Constant Throughput Timer over ${s.threads} threads; cache mode ${input.cache}.`
          : `Closed model: ${s.threads} threads, no timer; cache mode ${input.cache}.`
      }`,
    ),
    LOOPS: String(s.loops),
    THREADS: String(s.threads),
    RAMP_SECONDS: String(s.rampSeconds),
    SCHEDULER: String(input.durationS !== undefined),
    DURATION_SECONDS: input.durationS !== undefined ? String(Math.ceil(input.durationS)) : '',
    CSV_FILE: xml(input.csvFile),
    CSV_RECYCLE: String(csv.recycle),
    CSV_STOP_THREAD: String(!csv.recycle),
    CSV_SHARE_MODE: csv.shareMode,
    HEADERS: headers,
    // JMeter 5.6 writes enabled="false" on a disabled element and nothing on an enabled one.
    TIMER_DISABLED: input.model.kind === 'open' ? '' : ' enabled="false"',
    PER_MINUTE: s.perMinute.toFixed(1),
    HOST: xml(url.hostname.replace(/^\[|\]$/g, '')),
    PORT: url.port,
    PROTOCOL: url.protocol.replace(':', ''),
    PATH_PREFIX: xml(url.pathname.replace(/\/+$/, '')),
    TIMEOUT_MS: String(input.timeoutMs),
  });
}

/** miss: each line once across all threads; hit: each thread cycles the hot set ("Current thread"). */
const CSV_MODES: Record<CacheMode, { recycle: boolean; shareMode: string }> = {
  miss: { recycle: false, shareMode: 'shareMode.all' },
  hit: { recycle: true, shareMode: 'shareMode.thread' },
  mixed: { recycle: true, shareMode: 'shareMode.all' },
};

/** The CSV lines: one request's ids per line (comma-joined), as the picker would ask them. */
export function jmeterCsv(picker: IdPicker, requests: number): string {
  const lines: string[] = [];
  const count = picker.mode === 'hit' ? Math.ceil(picker.hotSet.length / picker.idsPerRequest) : requests;
  for (let i = 0; i < count; i++) {
    const ids = picker.take();
    if (!ids) break;
    lines.push(ids.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes plan.jmx and its CSV (plan.csv) beside it. Both are 0600: the plan holds the
 * Authorization header. Returns the two paths.
 */
export async function writeJmeterPlan(
  planPath: string,
  input: Omit<JmeterPlanInput, 'csvFile'>,
  csv: string,
): Promise<{ plan: string; csv: string }> {
  const csvPath = join(dirname(planPath), `${basename(planPath).replace(/\.jmx$/i, '')}.csv`);
  const plan = await renderJmeterPlan({ ...input, csvFile: basename(csvPath) });
  await writeFile(csvPath, csv, { mode: 0o600 });
  await writeFile(planPath, plan, { mode: 0o600 });
  await chmod(planPath, 0o600);
  return { plan: planPath, csv: csvPath };
}

function fill(template: string, values: Record<string, string>): string {
  const used = new Set<string>();
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`jmeter-plan.jmx: unknown placeholder {{${name}}}`);
    used.add(name);
    return value;
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`jmeter-plan.jmx: unused values ${unused.join(', ')}`);
  return out;
}

export function xml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}
