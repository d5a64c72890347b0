// The network policy papi offers for a service user's programmatic access tokens: printed, never run,
// with names from the config validated and quoted like every template, and the address left blank.
import { describe, expect, it } from 'vitest';
import { DEFAULT_OBJECTS, DEFAULTS } from '../config/defaults.js';
import type { PapiConfig } from '../config/types.js';
import { ConfigError } from '../ui/errors.js';
import { patNetworkPolicyScript, patNetworkPolicyStatements, refusedPatHint } from './pat-policy.js';

function config(user = 'SVC_DATA_API'): PapiConfig {
  const snowflake = structuredClone(DEFAULT_OBJECTS);
  snowflake.service.user = user;
  return { ...structuredClone(DEFAULTS), snowflake } as PapiConfig;
}

describe('PAT network policy', () => {
  it('renders the rule, the policy and ALTER USER from the configured names', () => {
    expect(patNetworkPolicyStatements(config()).map((s) => s.sql.replace(/\s+/g, ' '))).toEqual([
      "CREATE NETWORK RULE IF NOT EXISTS API.DATA.SVC_DATA_API_PAT_RULE MODE = INGRESS TYPE = IPV4 VALUE_LIST = ('<your public IPv4>/32')",
      "CREATE NETWORK POLICY IF NOT EXISTS SVC_DATA_API_PAT_POLICY ALLOWED_NETWORK_RULE_LIST = ('API.DATA.SVC_DATA_API_PAT_RULE')",
      'ALTER USER SVC_DATA_API SET NETWORK_POLICY = SVC_DATA_API_PAT_POLICY',
    ]);
    expect(patNetworkPolicyScript(config()).trimEnd().split('\n').at(-1)).toBe('ALTER USER SVC_DATA_API SET NETWORK_POLICY = SVC_DATA_API_PAT_POLICY;');
  });

  it('never pastes a name it could not validate', () => {
    expect(() => patNetworkPolicyStatements(config("SVC'); DROP USER X; --"))).toThrow(ConfigError);
  });

  it('puts the network policy first in the hint for a refused token', () => {
    const hint = refusedPatHint(config(), 'SNOWFLAKE_PAT');
    expect(hint).toMatch(/^The programmatic access token in SNOWFLAKE_PAT was refused\./);
    expect(hint).toMatch(/subject to a network policy, and papi creates none/);
    expect(hint).toContain('papi token --pat-network-policy');
  });
});
