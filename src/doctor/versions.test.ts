import { describe, expect, it } from 'vitest';
import { satisfies, versionChecks } from './versions.js';

describe('satisfies', () => {
  it('reads the range forms of package.json', () => {
    expect(satisfies('20.15.0', '^20.15.0 || >=22.2.0')).toBe(true);
    expect(satisfies('20.14.9', '^20.15.0 || >=22.2.0')).toBe(false);
    expect(satisfies('21.7.0', '^20.15.0 || >=22.2.0')).toBe(false);
    expect(satisfies('24.1.0', '^20.15.0 || >=22.2.0')).toBe(true);
    expect(satisfies('1.5.6-r.1', '^1.5.6-r.1')).toBe(true);
    expect(satisfies('0.26.3', '^0.25.12')).toBe(false);
    expect(satisfies('5.9.3', '~5.9')).toBe(true);
  });
});

describe('versionChecks', () => {
  it('fails an old Node with what to install', () => {
    const node = versionChecks('18.19.0').find((c) => c.id === 'version.node')!;
    expect(node.status).toBe('fail');
    expect(node.fix).toMatch(/Install a Node\.js release/);
  });

  it('finds the installed snowflake-sdk', () => {
    expect(versionChecks().find((c) => c.id === 'version.snowflake-sdk')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});
