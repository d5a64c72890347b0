// What the SQL API server, the image registry and the ingress ask of the catalog outside any statement:
// who a login is, and whether a user or role may pull, push or call a service's endpoints.
import type { ServiceKey } from '../../platform.js';
import type { UserAuth } from '../types.js';
import type { CatalogState } from './catalog.js';
import { roleClosure, userRoles } from './privileges.js';

/** The login a user name stands for (case-insensitive login name, else the exact user name). */
export function userAuth(state: CatalogState, loginName: string): UserAuth | undefined {
  const wanted = loginName.toUpperCase();
  const user = Object.values(state.users).find((u) => u.loginName.toUpperCase() === wanted) ?? state.users[loginName];
  if (!user) return undefined;
  return {
    name: user.name,
    disabled: user.disabled,
    passwordHash: user.passwordHash,
    rsaPublicKey: user.rsaPublicKey,
    rsaPublicKey2: user.rsaPublicKey2,
    defaultRole: user.defaultRole,
    defaultWarehouse: user.defaultWarehouse,
    defaultNamespace: user.defaultNamespace,
    type: user.type,
  };
}

/** Pull (READ) or push (WRITE) on an image repository; WRITE includes READ. */
export function mayUseImageRepository(state: CatalogState, user: string, repository: ServiceKey, privilege: 'READ' | 'WRITE'): boolean {
  const repo = state.databases[repository.database]?.schemas[repository.schema]?.imageRepositories[repository.name];
  if (!repo) return false;
  const roles = userRoles(state, user);
  if (roles.has('ACCOUNTADMIN') || roles.has(repo.owner)) return true;
  return state.grants.some(
    (g) => g.objectType === 'IMAGE REPOSITORY' && g.objectId === repo.id && roles.has(g.role) && (g.privilege === privilege || g.privilege === 'WRITE' || g.privilege === 'ALL'),
  );
}

/** Calling a service's endpoints through the ingress: ownership or its ALL_ENDPOINTS_USAGE service role. */
export function mayUseServiceEndpoints(state: CatalogState, role: string, service: ServiceKey): boolean {
  const entry = state.databases[service.database]?.schemas[service.schema]?.services[service.name];
  if (!entry) return false;
  const roles = roleClosure(state, role);
  if (roles.has('ACCOUNTADMIN') || roles.has(entry.owner)) return true;
  return state.grants.some((g) => g.objectType === 'SERVICE' && g.objectId === entry.id && roles.has(g.role) && g.privilege === 'SERVICE ROLE ALL_ENDPOINTS_USAGE');
}

/**
 * A call to a suspended service's public endpoint resumes it when its AUTO_RESUME is on (the
 * default): https://docs.snowflake.com/en/sql-reference/sql/alter-service ("SUSPEND | RESUME") and
 * CREATE SERVICE's AUTO_RESUME. Whether such a call also resumes a suspended compute pool no source
 * says: papi local does not, so a service whose pool is suspended stays suspended.
 */
export function resumesOnCall(state: CatalogState, service: ServiceKey): boolean {
  const entry = state.databases[service.database]?.schemas[service.schema]?.services[service.name];
  if (!entry || entry.autoResume === false) return false;
  return state.computePools[entry.computePool]?.state !== 'SUSPENDED';
}
