// Programmatic access tokens of a TYPE = SERVICE user (papi's service user is one) are accepted only
// while the user is subject to a network policy with network rules — Snowflake's default PAT policy.
// papi creates none on its own (it would lock the key-pair logins to one address too): it prints the
// statements, from sql/token/pat-network-policy.sql, with validated names and the address left for
// the user to fill in.
import type { PapiConfig } from '../config/types.js';
import { resolveNames, step, type PlannedStatement } from '../snowflake/plan.js';
import { identifier, nameLiteral, qualified } from '../snowflake/template.js';

export function patNetworkPolicyStatements(config: PapiConfig): PlannedStatement[] {
  const o = config.snowflake;
  const ruleParts = [o.api.database, o.api.schema, `${o.service.user}_PAT_RULE`];
  return step('pat-network-policy', 'Network policy for programmatic access tokens', 'objects', 'token/pat-network-policy.sql', {
    rule: qualified(ruleParts, 'snowflake.service.user'),
    rule_literal: nameLiteral(ruleParts, 'snowflake.service.user'),
    policy: identifier(`${o.service.user}_PAT_POLICY`, 'snowflake.service.user'),
    service_user: resolveNames(o).serviceUser,
  }).statements;
}

/** The statements as a script to review and run (the address is a placeholder to replace). */
export function patNetworkPolicyScript(config: PapiConfig): string {
  return `${patNetworkPolicyStatements(config).map((s) => `${s.sql};`).join('\n')}\n`;
}

/** The 401 hint for a PAT from the environment: the network policy first, then the other causes. */
export function refusedPatHint(config: PapiConfig, variable: string): string {
  return [
    `The programmatic access token in ${variable} was refused. If it belongs to a TYPE = SERVICE user (papi's ${config.snowflake.service.user} is one),`,
    'Snowflake accepts it only while that user is subject to a network policy, and papi creates none:',
    '`papi token --pat-network-policy` prints the statements to create one (put your address in first).',
    `Otherwise it may have expired or been removed, or its role may not use the service: create another (ALTER USER … ADD PAT … ROLE_RESTRICTION = '<api role>'), or unset ${variable} to use the key pair.`,
  ].join('\n');
}
