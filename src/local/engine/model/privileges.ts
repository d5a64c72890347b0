// Snowflake's access control model over the catalog: roles inherit the roles granted to them, a role
// holding ACCOUNTADMIN passes every check, an owner holds every privilege on its object, and PUBLIC
// is granted to every role and user.
import { ACCOUNT_OBJECT_ID, type CatalogState, type ObjectType } from './catalog.js';

/** Every role `role` acts as: itself, the roles granted to it (transitively), and PUBLIC. */
export function roleClosure(state: CatalogState, role: string): Set<string> {
  const seen = new Set<string>([role, 'PUBLIC']);
  const pending = [role];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const grant of state.roleGrants) {
      if (grant.granteeType === 'ROLE' && grant.grantee === current && !seen.has(grant.role)) {
        seen.add(grant.role);
        pending.push(grant.role);
      }
    }
  }
  return seen;
}

/** Roles granted to the user directly or through other roles (PUBLIC always). */
export function userRoles(state: CatalogState, user: string): Set<string> {
  const roles = new Set<string>(['PUBLIC']);
  for (const grant of state.roleGrants) {
    if (grant.granteeType === 'USER' && grant.grantee === user) {
      for (const role of roleClosure(state, grant.role)) roles.add(role);
    }
  }
  return roles;
}

export interface Securable {
  objectType: ObjectType;
  id: number;
  owner: string;
}

/** Access checks for one role; the closure is computed once per statement. */
export class Access {
  readonly roles: Set<string>;
  readonly isAdmin: boolean;

  constructor(
    private readonly state: CatalogState,
    readonly role: string,
  ) {
    this.roles = roleClosure(state, role);
    this.isAdmin = this.roles.has('ACCOUNTADMIN');
  }

  owns(object: Securable): boolean {
    return this.isAdmin || this.roles.has(object.owner);
  }

  /** Holds `privilege` (or ownership) on the object. */
  has(object: Securable, privilege: string): boolean {
    if (this.owns(object)) return true;
    return this.state.grants.some(
      (g) => g.objectId === object.id && g.objectType === object.objectType && this.roles.has(g.role) && (g.privilege === privilege || g.privilege === 'ALL'),
    );
  }

  /** Holds any privilege on the object: enough to see that it exists. */
  sees(object: Securable): boolean {
    if (this.owns(object)) return true;
    return this.state.grants.some((g) => g.objectId === object.id && g.objectType === object.objectType && this.roles.has(g.role));
  }

  /** An account-level privilege (CREATE DATABASE, BIND SERVICE ENDPOINT, …). */
  hasOnAccount(privilege: string): boolean {
    if (this.isAdmin) return true;
    // SYSADMIN holds the CREATE privileges of a new account; SECURITYADMIN/USERADMIN manage users and roles.
    const implicit: Record<string, string[]> = {
      'CREATE DATABASE': ['SYSADMIN'],
      'CREATE WAREHOUSE': ['SYSADMIN'],
      'CREATE COMPUTE POOL': ['SYSADMIN'],
      'CREATE ROLE': ['USERADMIN'],
      'CREATE USER': ['USERADMIN'],
      'MANAGE GRANTS': ['SECURITYADMIN'],
    };
    if ((implicit[privilege] ?? []).some((r) => this.roles.has(r))) return true;
    return this.state.grants.some(
      (g) => g.objectType === 'ACCOUNT' && g.objectId === ACCOUNT_OBJECT_ID && this.roles.has(g.role) && g.privilege === privilege,
    );
  }
}
