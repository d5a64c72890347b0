import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { IdPicker } from './ids.js';
import { jmeterCsv, jmeterSettings, renderJmeterPlan, writeJmeterPlan, xml, type JmeterPlanInput } from './jmeter.js';

const ids = Array.from({ length: 100 }, (_, i) => String(i + 1));

// JMeter's loader (XStream over a strict XML pull parser) refuses what libxml2 refuses, so the export
// is checked with xmllint (Debian's libxml2-utils, installed by .ci/run). Where it is missing the
// check cannot run: said on stderr, never passed quietly.
const xmllint = spawnSync('xmllint', ['--version']).status === 0;
if (!xmllint) process.stderr.write('[jmeter.test] SKIPPED: xmllint is not installed (apt-get install libxml2-utils): the exported plan was NOT checked by a strict XML parser\n');

describe('JMeter export', () => {
  it("sizes threads for the tutorial's 10,000 requests at 200/s", () => {
    expect(jmeterSettings({ model: { kind: 'open', rate: 200 }, requests: 10_000 })).toEqual({
      threads: 50,
      loops: 200,
      rampSeconds: 1,
      perMinute: 12_000,
    });
    expect(jmeterSettings({ model: { kind: 'closed', concurrency: 16 }, durationS: 30 })).toEqual({
      threads: 16,
      loops: -1,
      rampSeconds: 1,
      perMinute: 0,
    });
  });

  it('a duration run uses the scheduler; a closed run has no timer; hit shares the hot set per thread', async () => {
    const plan = await renderJmeterPlan({
      url: 'https://abc-org-acct.snowflakecomputing.app',
      headers: {},
      model: { kind: 'closed', concurrency: 8 },
      durationS: 60,
      timeoutMs: 5000,
      cache: 'hit',
      csvFile: 'ids & more.csv',
    });
    expect(XMLValidator.validate(plan)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(plan) as Record<string, any>;
    const tree = parsed.jmeterTestPlan.hashTree.hashTree.hashTree;
    expect(tree.ConstantThroughputTimer.enabled).toBe('false');
    const csv = Object.fromEntries((tree.CSVDataSet.stringProp as Array<{ name: string; '#text'?: string }>).map((p) => [p.name, p['#text']]));
    expect(csv).toMatchObject({ filename: 'ids & more.csv', shareMode: 'shareMode.thread' });
    expect(plan).toContain('<boolProp name="ThreadGroup.scheduler">true</boolProp>');
    expect(plan).toContain('<stringProp name="ThreadGroup.duration">60</stringProp>');
    expect(plan).toContain('<stringProp name="HTTPSampler.protocol">https</stringProp>');
    expect(plan).toContain('<stringProp name="HTTPSampler.port"></stringProp>');
  });

  it('writes the CSV in the order papi would ask: the hot set once for hit, fresh ids for miss', () => {
    expect(jmeterCsv(new IdPicker(ids, { mode: 'hit', idsPerRequest: 1, hotSetSize: 3 }), 1000)).toBe('1\n2\n3\n');
    expect(jmeterCsv(new IdPicker(ids, { mode: 'miss', idsPerRequest: 3 }), 2)).toBe('1,2,3\n4,5,6\n');
  });

  it('escapes XML', () => {
    expect(xml(`a&b<c>"d'`)).toBe('a&amp;b&lt;c&gt;&quot;d&apos;');
  });
});

describe('the exported plan loads in JMeter', () => {
  const work = mkdtempSync(join(tmpdir(), 'papi-jmeter-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const base: Omit<JmeterPlanInput, 'csvFile'> = {
    url: 'https://abc-org-acct.snowflakecomputing.app',
    // A token may hold anything an XML comment may not: it must still be well-formed XML.
    headers: { authorization: 'Snowflake Token="a--b<c>&d\'e--"' },
    model: { kind: 'open', rate: 200 },
    requests: 10_000,
    timeoutMs: 10_000,
    cache: 'miss',
  };
  const variants: Array<[string, Omit<JmeterPlanInput, 'csvFile'>]> = [
    ['an open run (the tutorial\'s 200/s)', base],
    ['a closed run for a duration, cache hit', { ...base, model: { kind: 'closed', concurrency: 16 }, requests: undefined, durationS: 30, cache: 'hit' }],
    ['a mixed run on papi local\'s http ingress', { ...base, url: 'http://127.0.0.1:4711/prefix/', headers: {}, cache: 'mixed' }],
  ];

  it.skipIf(!xmllint).each(variants)('xmllint --noout accepts %s', async (_name, input) => {
    const { plan } = await writeJmeterPlan(join(work, 'plan.jmx'), input, '1\n');
    const result = spawnSync('xmllint', ['--noout', plan], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('is laid out as JMeter 5.6.3 saves a plan: root attributes, each element followed by its hashTree', async () => {
    const plan = await renderJmeterPlan({ ...base, csvFile: 'plan.csv' });
    // No XML comment at all: what papi says about the plan is in the test plan's Comments field.
    expect(plan).not.toContain('<!--');
    expect(plan.split('\n')[1]).toBe('<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">');
    // JMeter 5.6 leaves out enabled="true"; only a disabled element says enabled="false".
    expect(plan).not.toContain('enabled="true"');
    const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: false }).parse(plan) as Array<Record<string, any>>;
    const root = ordered.find((node) => 'jmeterTestPlan' in node)!.jmeterTestPlan as Array<Record<string, any>>;
    const names = (nodes: Array<Record<string, any>>) => nodes.map((node) => Object.keys(node).find((key) => key !== ':@')!).filter((name) => name !== '#text');
    const top = root.find((node) => 'hashTree' in node)!.hashTree as Array<Record<string, any>>;
    expect(names(top)).toEqual(['TestPlan', 'hashTree']);
    const planTree = top[1]!.hashTree as Array<Record<string, any>>;
    expect(names(planTree)).toEqual(['ThreadGroup', 'hashTree']);
    const groupTree = planTree[1]!.hashTree as Array<Record<string, any>>;
    expect(names(groupTree)).toEqual(['CSVDataSet', 'hashTree', 'HeaderManager', 'hashTree', 'ConstantThroughputTimer', 'hashTree', 'HTTPSamplerProxy', 'hashTree', 'ResultCollector', 'hashTree']);
    const comments = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(plan).jmeterTestPlan.hashTree.TestPlan.stringProp;
    expect(comments).toMatchObject({ name: 'TestPlan.comments', '#text': expect.stringContaining('Rate 200/s') });
  });
});
