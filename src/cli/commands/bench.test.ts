// papi bench run in-process against real servers on loopback.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../__tests__/support/cli.js';
import { main } from '../main.js';
import { answer, closeTrackedServers, trackedServer } from '../../bench/__tests__/servers.js';
import type { BenchReport } from '../../bench/report.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await closeTrackedServers();
});

const server = trackedServer;

function idsFile(count: number): { dir: string; file: string } {
  const dir = tempDir('papi-bench-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'cust_ids.csv');
  writeFileSync(file, `CUST_ID\n${Array.from({ length: count }, (_, i) => i + 1).join('\n')}\n`);
  return { dir, file };
}

describe('papi bench', () => {
  it('--json prints one report document and no progress', async () => {
    const s = await server();
    const { file } = idsFile(100);
    const run = await runCli(['bench', '--url', s.url, '--ids', file, '--requests', '30', '--rate', '500', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report).toMatchObject({ model: 'open', rate: 500, sent: 30, completed: 30, dropped: 0, stopReason: 'completed' });
    expect(report.settings).toMatchObject({ url: s.url, cache: 'mixed', idsPerRequest: 1, idCount: 100, requests: 30 });
    for (const key of ['latencyMs', 'serviceTimeMs', 'sendLagMs'] as const)
      expect(Object.keys(report[key]!)).toEqual(['p50', 'p90', 'p95', 'p99', 'p99_9', 'max', 'min', 'mean']);
    expect(Object.keys(report.errors)).toEqual(['total', 'rate', 'byStatus', 'byKind', 'byCode']);
    expect(report.errors.byKind).toEqual({ timeout: 0, reset: 0, refused: 0, other: 0 });
    expect(report.cache).toEqual({ hitRatio: 1, counts: { HIT: 30 } });
    expect(s.paths.every((p) => /^\/customer\/\d+$/.test(p))).toBe(true);
  });

  it('sends --header values and the comma-separated form, and prints the text report', async () => {
    const seen: Array<string | undefined> = [];
    const s = await server((req, res) => {
      seen.push(req.headers.authorization);
      answer(res);
    });
    const { file } = idsFile(20);
    const run = await runCli([
      'bench', '--url', `${s.url}/`, '--ids', file, '--requests', '10', '--concurrency', '2',
      '--cache', 'miss', '--ids-per-request', '2', '--header', 'Authorization: Snowflake Token="tok"',
    ]);
    expect(run.code).toBe(0);
    expect(seen).toEqual(Array(10).fill('Snowflake Token="tok"'));
    expect(new Set(s.paths.flatMap((p) => p.replace('/customer/', '').split(','))).size).toBe(20);
    expect(run.stdout).toMatch(/closed model, 2 connections, cache miss, 2 id\(s\)\/request/);
    expect(run.stdout).toMatch(/requests +10 answered of 10 sent/);
    expect(run.stdout).not.toContain('tok');
  });

  it('exits 4 with the report when a gate is exceeded', async () => {
    const s = await server((_req, res, index) => answer(res, index % 2 ? 500 : 200));
    const { file } = idsFile(10);
    const run = await runCli(['bench', '--url', s.url, '--ids', file, '--requests', '10', '--rate', '500', '--max-error-rate', '0.1', '--json']);
    expect(run.code).toBe(4);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.gates).toEqual([{ name: 'errorRate', limit: 0.1, actual: 0.5, passed: false }]);
    expect(run.stderr).toMatch(/gate failed: error rate 0\.500 > 0\.100/);

    const p90 = await runCli(['bench', '--url', s.url, '--ids', file, '--requests', '4', '--rate', '500', '--p90-max', '0']);
    expect(p90.code).toBe(4);
    expect(p90.stdout).toMatch(/gate p90 .* > 0 ms: FAILED/);
  });

  it('says what is missing: a deployment or --url, a connection for the USER ids, enough ids for --cache miss', async () => {
    const { file } = idsFile(10);
    const noUrl = await runCli(['bench', '--ids', file]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/No deployed service.*\n.*--url/);
    // Without --ids the ids come from the USER table: on an unconfigured Snowflake target that fails before connecting.
    const noIds = await runCli(['bench', '--url', 'http://127.0.0.1:9'], { env: { PAPI_TARGET: 'snowflake' } });
    expect(noIds.code).toBe(2);
    expect(noIds.stderr).toMatch(/account/);
    const few = await runCli(['bench', '--url', 'http://127.0.0.1:9', '--ids', file, '--cache', 'miss', '--requests', '11']);
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/--cache miss needs 11 distinct ids/);
    const both = await runCli(['bench', '--url', 'http://127.0.0.1:9', '--ids', file, '--rate', '5', '--concurrency', '2']);
    expect(both.code).toBe(2);
  });

  it('Ctrl-C prints the report so far and exits 130', async () => {
    const controller = new AbortController();
    const s = await server((_req, res, index) => {
      if (index === 4) controller.abort();
      answer(res);
    });
    const { file } = idsFile(10);
    let stdout = '';
    let stderr = '';
    const code = await main(['bench', '--url', s.url, '--ids', file, '--requests', '10000', '--rate', '200', '--json'], {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      env: { HOME: tempDir('papi-home-') },
      cwd: tempDir(),
      stdinIsTTY: false,
      signal: controller.signal,
    });
    expect(code).toBe(130);
    const report = JSON.parse(stdout) as BenchReport;
    expect(report.stopReason).toBe('interrupted');
    expect(report.sent).toBeLessThan(10_000);
    expect(report.sent).toBeGreaterThanOrEqual(5);
    expect(report.completed + report.cancelled).toBe(report.sent);
    expect(report.notes.join()).toMatch(/interrupted/);
    expect(stderr).toMatch(/Interrupted/);
  });

  it('--output writes a self-contained HTML report', async () => {
    const s = await server();
    const { dir, file } = idsFile(10);
    const out = join(dir, 'report.html');
    const run = await runCli(['bench', '--url', s.url, '--ids', file, '--requests', '10', '--rate', '500', '--output', out]);
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<svg ');
    expect(html).not.toMatch(/<script|\b(src|href)\s*=/i);
  });

  it('--export-jmeter writes a well-formed plan and its CSV, 0600, and sends nothing', async () => {
    const s = await server();
    const { dir, file } = idsFile(50);
    const plan = join(dir, 'plan.jmx');
    const run = await runCli([
      'bench', '--url', `${s.url}/api`, '--ids', file, '--rate', '150', '--requests', '20', '--cache', 'miss',
      '--ids-per-request', '2', '--header', 'Authorization: Snowflake Token="a&b<c>"', '--export-jmeter', plan,
    ]);
    expect(run.code).toBe(0);
    expect(s.paths).toEqual([]);
    expect(statSync(plan).mode & 0o777).toBe(0o600);
    const xml = readFileSync(plan, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as Record<string, any>;
    const props = collectProps(doc);
    const port = new URL(s.url).port;
    expect(props).toMatchObject({
      'HTTPSampler.domain': '127.0.0.1',
      'HTTPSampler.port': Number(port),
      'HTTPSampler.protocol': 'http',
      'HTTPSampler.path': '/api/customer/${ids}',
      'HTTPSampler.method': 'GET',
      'ThreadGroup.num_threads': 38, // 150/s × 0.25 s
      'LoopController.loops': 1, // 20 requests over 38 threads
      filename: 'plan.csv',
      variableNames: 'ids',
      shareMode: 'shareMode.all',
      recycle: false,
    });
    // Both headers: the given one, and the no-cache a miss run sends so cached ids are looked up again (#14.4).
    expect(xml).toMatch(/<stringProp name="Header.name">Authorization<\/stringProp>\s*<stringProp name="Header.value">Snowflake Token=&quot;a&amp;b&lt;c&gt;&quot;<\/stringProp>/);
    expect(xml).toMatch(/<stringProp name="Header.name">cache-control<\/stringProp>\s*<stringProp name="Header.value">no-cache<\/stringProp>/);
    expect(xml).toContain('<value>9000.0</value>'); // 150/s as samples per minute
    const csv = readFileSync(join(dir, 'plan.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(20);
    expect(csv[0]).toBe('1,2');
    expect(new Set(csv.flatMap((line) => line.split(','))).size).toBe(40);
    expect(run.stderr).toMatch(/holds the request headers/);
  });
});

/** Every name → value of the non-empty stringProp/boolProp/intProp in the plan. */
function collectProps(node: unknown, into: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(node)) node.forEach((n) => collectProps(n, into));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (['stringProp', 'boolProp', 'intProp'].includes(key))
        for (const prop of Array.isArray(value) ? value : [value]) {
          const p = prop as { name?: string; '#text'?: unknown };
          if (p.name && p['#text'] !== undefined) into[p.name] = p['#text'];
        }
      collectProps(value, into);
    }
  }
  return into;
}
