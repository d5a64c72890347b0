// Can the connection's role create what `papi setup` creates? Read from SHOW GRANTS TO ROLE over
// the role's hierarchy, never by trying: the account-level privileges behind sql/setup/ (roles, the
// warehouse, the databases, the compute pool, the service user) and the right to grant BIND SERVICE
// ENDPOINT to the API role (sql/setup/06-grants.sql).
import type { PapiConfig } from '../config/types.js';
import type { Connection } from '../snowflake/driver.js';
import { quoteIdentifier } from '../snowflake/identifiers.js';
import type { Check } from './types.js';

const ACCESS_CONTROL_DOCS = 'https://docs.snowflake.com/en/user-guide/security-access-control-privileges';

/**
 * What the system roles hold in a new account (Snowflake's documented defaults; papi local plays
 * the same), counted even when SHOW GRANTS does not list them.
 */
const SYSTEM_ROLE_PRIVILEGES: Record<string, string[]> = {
  SYSADMIN: ['CREATE DATABASE', 'CREATE WAREHOUSE', 'CREATE COMPUTE POOL'],
  USERADMIN: ['CREATE ROLE', 'CREATE USER'],
  SECURITYADMIN: ['MANAGE GRANTS'],
};

interface Requirement {
  privilege: string;
  /** Alternatives that also do (MANAGE GRANTS grants anything). */
  orAny?: string[];
  /** Only needed with this configuration. */
  when?: (config: PapiConfig) => boolean;
  why: (config: PapiConfig) => string;
}

const REQUIREMENTS: Requirement[] = [
  { privilege: 'CREATE ROLE', why: (c) => `roles ${c.snowflake.adminRole} and ${c.snowflake.apiRole}` },
  { privilege: 'CREATE WAREHOUSE', why: (c) => `warehouse ${c.snowflake.warehouse.name}` },
  { privilege: 'CREATE DATABASE', why: (c) => `databases ${c.snowflake.recommender.database} and ${c.snowflake.api.database}` },
  { privilege: 'CREATE COMPUTE POOL', why: (c) => `compute pool ${c.snowflake.computePool.name}` },
  { privilege: 'CREATE USER', why: (c) => `service user ${c.snowflake.service.user}` },
  {
    privilege: 'BIND SERVICE ENDPOINT',
    orAny: ['MANAGE GRANTS'],
    why: (c) => `granting it to ${c.snowflake.apiRole}, whose service has a public endpoint (needs it WITH GRANT OPTION, or MANAGE GRANTS)`,
  },
  {
    // The refresh task is owned by the role that runs setup; RESUME needs EXECUTE TASK for it (src/setup/schedule.ts).
    privilege: 'EXECUTE TASK',
    when: (c) => Boolean(c.recommender.schedule?.trim()),
    why: (c) => `the scheduled refresh (recommender.schedule: ${c.recommender.schedule ?? ''}), a task this role owns and runs as`,
  },
];

export interface RoleGrants {
  /** The role and every role it inherits. */
  roles: Set<string>;
  /** Account-level privileges → whether one of them was granted WITH GRANT OPTION. */
  account: Map<string, boolean>;
}

/** SHOW GRANTS TO ROLE for the role and each role it holds (names validated and quoted, never pasted). */
export async function roleGrants(conn: Connection, role: string): Promise<RoleGrants> {
  const roles = new Set<string>();
  const account = new Map<string, boolean>();
  const pending = [role];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (roles.has(next)) continue;
    roles.add(next);
    for (const privilege of SYSTEM_ROLE_PRIVILEGES[next] ?? []) account.set(privilege, account.get(privilege) ?? false);
    const rows = await conn.execute<Record<string, unknown>>(`SHOW GRANTS TO ROLE ${quoteIdentifier(next)}`);
    for (const row of rows) {
      const on = String(row.granted_on ?? '').toUpperCase();
      const privilege = String(row.privilege ?? '').toUpperCase();
      if (on === 'ROLE' && privilege === 'USAGE') pending.push(storedName(String(row.name ?? '')));
      if (on === 'ACCOUNT') account.set(privilege, Boolean(account.get(privilege)) || String(row.grant_option).toLowerCase() === 'true');
    }
  }
  return { roles, account };
}

/** SHOW GRANTS names a role as it would be written: "my role" quoted, MY_ROLE bare. */
function storedName(shown: string): string {
  const quoted = /^"(.*)"$/.exec(shown);
  return quoted ? quoted[1]!.replaceAll('""', '"') : shown;
}

export function privilegeChecks(config: PapiConfig, role: string, grants: RoleGrants): Check[] {
  const admin = grants.roles.has('ACCOUNTADMIN');
  return REQUIREMENTS.filter((req) => req.when?.(config) ?? true).map((req) => {
    const id = `privilege.${req.privilege.toLowerCase().replace(/\s+/g, '-')}`;
    const title = `${req.privilege} on the account`;
    const needsGrantOption = req.orAny !== undefined;
    const held = grants.account.has(req.privilege) && (!needsGrantOption || grants.account.get(req.privilege) === true);
    const alternative = req.orAny?.find((p) => grants.account.has(p));
    if (admin || held || alternative) {
      const how = role === 'ACCOUNTADMIN' ? 'holds every privilege' : admin ? 'can, through ACCOUNTADMIN' : alternative ? `can, through ${alternative}` : 'holds it';
      return { id, title, status: 'ok' as const, detail: `${role} ${how}: ${req.why(config)}` };
    }
    return {
      id,
      title,
      status: 'fail' as const,
      detail: `${role} lacks it; papi setup needs it for ${req.why(config)}`,
      fix: `As ACCOUNTADMIN: GRANT ${req.privilege} ON ACCOUNT TO ROLE ${quoteIdentifier(role)}${needsGrantOption ? ' WITH GRANT OPTION' : ''}; or connect with a role that has it (role in the connection).`,
      docs: ACCESS_CONTROL_DOCS,
    };
  });
}
