// GRANT and REVOKE of privileges (on objects, ALL and FUTURE objects in a container), roles,
// service roles and ownership.
import { SqlError } from '../../errors.js';
import { doesNotExist, insufficientPrivileges, invalid, succeeded, unsupported } from '../formats/messages.js';
import { ACCOUNT_OBJECT_ID, now, type ObjectType } from '../model/catalog.js';
import type { Exec } from '../model/core.js';
import { display, lastPart } from '../model/name-resolution.js';
import { roleClosure } from '../model/privileges.js';
import { findSecurable } from '../model/securables.js';
import type * as ast from '../sql/ast.js';
import type { StatementResult } from '../types.js';

// ── grants

/** Who may grant on an object: its owner, a role with MANAGE GRANTS, or an admin. */
function mayGrant(ex: Exec, owner: string): boolean {
  return ex.scope.access.roles.has(owner) || ex.scope.access.hasOnAccount('MANAGE GRANTS');
}

function granteeRole(ex: Exec, grantee: ast.Grantee): string {
  if (grantee.type !== 'ROLE') throw unsupported(`Grants to ${grantee.type}`);
  const role = lastPart(grantee.name);
  if (!ex.core.state.roles[role]) throw doesNotExist('Role', display(role));
  return role;
}

interface Target {
  objectType: ObjectType;
  id: number;
  owner: string;
  entry?: { owner: string };
}

function grantTargets(ex: Exec, on: ast.GrantTarget): Target[] {
  if (on.kind === 'account') return [{ objectType: 'ACCOUNT', id: ACCOUNT_OBJECT_ID, owner: 'ACCOUNTADMIN' }];
  if (on.kind === 'object') return [findSecurable(ex, on.objectType, on.name, on.argTypes)];
  if (on.kind === 'future') throw unsupported('FUTURE grants here');
  // ALL <objects> IN SCHEMA | DATABASE: every existing object of that kind.
  const plural = on.pluralType.toUpperCase();
  // A kind not gathered below would be granted on nothing, silently: refused instead.
  if (!['SCHEMAS', 'TABLES', 'VIEWS', 'HYBRID TABLES', 'STAGES', 'PROCEDURES'].includes(plural)) throw unsupported(`GRANT … ON ALL ${plural}`);
  const schemas =
    on.in.objectType === 'SCHEMA'
      ? [ex.scope.requireSchema(ex.scope.qualifySchema(on.in.name, 'GRANT'))]
      : Object.values(ex.scope.requireDatabase(lastPart(on.in.name)).schemas);
  const targets: Target[] = [];
  for (const schema of schemas) {
    if (plural === 'SCHEMAS') targets.push({ objectType: 'SCHEMA', id: schema.id, owner: schema.owner, entry: schema });
    for (const t of Object.values(schema.tables)) {
      const isView = t.kind === 'VIEW';
      if ((plural === 'VIEWS' && isView) || (plural === 'TABLES' && !isView) || (plural === 'HYBRID TABLES' && t.kind === 'HYBRID'))
        targets.push({ objectType: isView ? 'VIEW' : 'TABLE', id: t.id, owner: t.owner, entry: t });
    }
    if (plural === 'STAGES') for (const s of Object.values(schema.stages)) targets.push({ objectType: 'STAGE', id: s.id, owner: s.owner, entry: s });
    if (plural === 'PROCEDURES') for (const p of Object.values(schema.procedures ?? {})) targets.push({ objectType: 'PROCEDURE', id: p.id, owner: p.owner, entry: p });
  }
  return targets;
}

const FUTURE_TYPES: Record<string, ObjectType> = { PROCEDURES: 'PROCEDURE', TABLES: 'TABLE', 'HYBRID TABLES': 'TABLE', VIEWS: 'VIEW', STAGES: 'STAGE', SCHEMAS: 'SCHEMA', SERVICES: 'SERVICE', 'IMAGE REPOSITORIES': 'IMAGE REPOSITORY' };

/** GRANT/REVOKE … ON FUTURE <objects> IN SCHEMA|DATABASE: recorded, applied at each creation. */
function futureGrants(ex: Exec, on: Extract<ast.GrantTarget, { pluralType: string }>, privileges: string[], role: string, grant: boolean): StatementResult {
  const objectType = FUTURE_TYPES[on.pluralType.toUpperCase()];
  if (!objectType) throw unsupported(`FUTURE grants on ${on.pluralType}`);
  const container =
    on.in.objectType === 'SCHEMA' ? ex.scope.requireSchema(ex.scope.qualifySchema(on.in.name, 'GRANT')) : ex.scope.requireDatabase(lastPart(on.in.name));
  if (!mayGrant(ex, container.owner)) throw insufficientPrivileges(on.in.objectType.toLowerCase(), container.name);
  const state = ex.core.state;
  const same = (f: (typeof state.futureGrants)[number], privilege: string) =>
    f.objectType === objectType && f.containerId === container.id && f.role === role && f.privilege === privilege;
  for (const privilege of privileges) {
    state.futureGrants = state.futureGrants.filter((f) => !same(f, privilege));
    if (grant)
      state.futureGrants.push({ privilege, objectType, containerType: on.in.objectType, containerId: container.id, role, grantedBy: ex.session.role, createdOn: now() });
  }
  ex.core.changed();
  return succeeded();
}

export function grantPrivileges(ex: Exec, stmt: ast.GrantPrivilegesStatement): StatementResult {
  const role = granteeRole(ex, stmt.to);
  if (stmt.on.kind === 'future') return futureGrants(ex, stmt.on, stmt.privileges, role, true);
  for (const target of grantTargets(ex, stmt.on)) {
    if (!mayGrant(ex, target.owner)) throw insufficientPrivileges(target.objectType.toLowerCase(), '');
    // IMPORTED PRIVILEGES are a shared database's, and the only ones it takes.
    const imported = target.objectType === 'DATABASE' && Object.values(ex.core.state.databases).some((db) => db.id === target.id && db.origin);
    if (stmt.privileges.some((p) => (p === 'IMPORTED PRIVILEGES') !== imported))
      throw invalid(imported ? 'Only IMPORTED PRIVILEGES can be granted on an imported database.' : 'IMPORTED PRIVILEGES can be granted on an imported database only.');
    for (const privilege of stmt.privileges) {
      const exists = ex.core.state.grants.some((g) => g.objectId === target.id && g.objectType === target.objectType && g.role === role && g.privilege === privilege);
      if (!exists)
        ex.core.state.grants.push({ privilege, objectType: target.objectType, objectId: target.id, role, grantedBy: ex.session.role, grantOption: stmt.withGrantOption, createdOn: now() });
    }
  }
  ex.core.changed();
  return succeeded();
}

export function revokePrivileges(ex: Exec, stmt: ast.RevokePrivilegesStatement): StatementResult {
  if (stmt.from.type !== 'ROLE') throw unsupported(`Grants to ${stmt.from.type}`);
  const role = lastPart(stmt.from.name);
  if (stmt.on.kind === 'future') return futureGrants(ex, stmt.on, stmt.privileges, role, false);
  for (const target of grantTargets(ex, stmt.on)) {
    if (!mayGrant(ex, target.owner)) throw insufficientPrivileges(target.objectType.toLowerCase(), '');
    const all = stmt.privileges.includes('ALL');
    ex.core.state.grants = ex.core.state.grants.filter(
      (g) => !(g.objectId === target.id && g.objectType === target.objectType && g.role === role && (all || stmt.privileges.includes(g.privilege))),
    );
  }
  ex.core.changed();
  return succeeded();
}

/** A role the current role may grant or revoke: it exists, and the current role owns it or may grant. */
function grantableRole(ex: Exec, name: ast.ObjectName): string {
  const role = lastPart(name);
  const entry = ex.core.state.roles[role];
  if (!entry) throw doesNotExist('Role', display(role));
  if (!mayGrant(ex, entry.owner)) throw insufficientPrivileges('role', role);
  return role;
}

export function grantRole(ex: Exec, stmt: ast.GrantRoleStatement): StatementResult {
  const { state } = ex.core;
  const role = grantableRole(ex, stmt.role);
  const grantee = lastPart(stmt.to.name);
  if (stmt.to.type === 'ROLE') {
    if (!state.roles[grantee]) throw doesNotExist('Role', display(grantee));
    if (roleClosure(state, role).has(grantee) && grantee !== 'PUBLIC')
      throw new SqlError('003012', '42501', `SQL access control error:\nGranting role '${role}' to role '${grantee}' would create a cycle.`); // number unverified
  } else if (stmt.to.type === 'USER') {
    if (!state.users[grantee]) throw doesNotExist('User', display(grantee));
  } else throw unsupported(`Grants to ${stmt.to.type}`);
  const granteeType = stmt.to.type;
  if (!state.roleGrants.some((g) => g.role === role && g.granteeType === granteeType && g.grantee === grantee))
    state.roleGrants.push({ role, granteeType, grantee, grantedBy: ex.session.role, createdOn: now() });
  ex.core.changed();
  return succeeded();
}

export function revokeRole(ex: Exec, stmt: ast.RevokeRoleStatement): StatementResult {
  const { state } = ex.core;
  const role = grantableRole(ex, stmt.role);
  const grantee = lastPart(stmt.from.name);
  state.roleGrants = state.roleGrants.filter((g) => !(g.role === role && g.granteeType === stmt.from.type && g.grantee === grantee));
  ex.core.changed();
  return succeeded();
}

export function grantOwnership(ex: Exec, stmt: ast.GrantOwnershipStatement): StatementResult {
  const role = granteeRole(ex, stmt.to);
  for (const target of grantTargets(ex, stmt.on)) {
    if (!target.entry) throw unsupported('GRANT OWNERSHIP ON ACCOUNT');
    if (!mayGrant(ex, target.owner)) throw insufficientPrivileges(target.objectType.toLowerCase(), '');
    target.entry.owner = role;
    if (stmt.currentGrants === 'REVOKE')
      ex.core.state.grants = ex.core.state.grants.filter((g) => !(g.objectId === target.id && g.objectType === target.objectType));
  }
  ex.core.changed();
  return succeeded();
}

export function grantServiceRole(ex: Exec, stmt: ast.GrantServiceRoleStatement | ast.RevokeServiceRoleStatement): StatementResult {
  const service = findSecurable(ex, 'SERVICE', stmt.service);
  if (!mayGrant(ex, service.owner)) throw insufficientPrivileges('service', service.name);
  const grantee = stmt.kind === 'grantServiceRole' ? stmt.to : stmt.from;
  const role = granteeRole(ex, grantee);
  const privilege = `SERVICE ROLE ${stmt.serviceRole.name}`;
  const { state } = ex.core;
  state.grants = state.grants.filter((g) => !(g.objectId === service.id && g.role === role && g.privilege === privilege));
  if (stmt.kind === 'grantServiceRole')
    state.grants.push({ privilege, objectType: 'SERVICE', objectId: service.id, role, grantedBy: ex.session.role, grantOption: false, createdOn: now() });
  ex.core.changed();
  return succeeded();
}
