import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { IdPicker } from './ids.js';
import { jmeterCsv, jmeterSettings, renderJmeterPlan, xml } from './jmeter.js';

const ids = Array.from({ length: 100 }, (_, i) => String(i + 1));

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
