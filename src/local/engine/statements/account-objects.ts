// Account-level objects: roles, users, warehouses and compute pools (CREATE, ALTER, DROP).
import { SqlError } from '../../errors.js';
import { hashPasswordSync } from '../../password.js';
import { alreadyExists, created, doesNotExist, dropped, insufficientPrivileges, invalid, missingOnDrop, objectExists, succeeded, unsupported } from '../formats/messages.js';
import { optionBool, optionText } from '../formats/property-values.js';
import { now, SYSTEM_ROLES, type ComputePoolEntry, type IntegrationEntry, type UserEntry, type WarehouseEntry } from '../model/catalog.js';
import type { Exec } from '../model/core.js';
import { display, lastPart } from '../model/name-resolution.js';
import { validPublicKey } from '../model/user-credentials.js';
import type * as ast from '../sql/ast.js';
import type { StatementResult } from '../types.js';
import { suspendServicesInPool } from '../model/service-objects.js';

// ── roles

export function createRole(ex: Exec, stmt: ast.CreateRoleStatement): StatementResult {
  const name = lastPart(stmt.name);
  const { state } = ex.core;
  ex.scope.requireOnAccount('CREATE ROLE');
  const existing = state.roles[name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(name);
    if (!stmt.orReplace || (SYSTEM_ROLES as readonly string[]).includes(name)) throw objectExists('Object', name);
    dropRoleEntry(ex, name);
  }
  state.roles[name] = { id: ex.core.nextId(), name, owner: ex.session.role, createdOn: now(), comment: stmt.comment };
  // The creating role owns the new role, and so inherits it (Snowflake's ownership hierarchy).
  state.roleGrants.push({ role: name, granteeType: 'ROLE', grantee: ex.session.role, grantedBy: ex.session.role, createdOn: now() });
  ex.core.changed();
  return created('Role', name);
}

function dropRoleEntry(ex: Exec, name: string): void {
  const { state } = ex.core;
  const role = state.roles[name]!;
  delete state.roles[name];
  state.roleGrants = state.roleGrants.filter((g) => g.role !== name && !(g.granteeType === 'ROLE' && g.grantee === name));
  state.grants = state.grants.filter((g) => g.role !== name && !(g.objectType === 'ROLE' && g.objectId === role.id));
  state.futureGrants = state.futureGrants.filter((g) => g.role !== name);
  // What the dropped role owned now belongs to the role that dropped it (Snowflake's rule).
  for (const owned of ownedEntries(state)) if (owned.owner === name) owned.owner = ex.session.role;
}

function ownedEntries(state: Exec['core']['state']): Array<{ owner: string }> {
  const entries: Array<{ owner: string }> = [...Object.values(state.roles), ...Object.values(state.users), ...Object.values(state.warehouses), ...Object.values(state.computePools)];
  for (const db of Object.values(state.databases)) {
    entries.push(db);
    for (const schema of Object.values(db.schemas))
      entries.push(schema, ...Object.values(schema.tables), ...Object.values(schema.stages), ...Object.values(schema.imageRepositories), ...Object.values(schema.services));
  }
  return entries;
}

// ── users

const USER_TYPES = ['PERSON', 'SERVICE', 'LEGACY_SERVICE'] as const;

function applyUserProperty(user: UserEntry, key: string, value: ast.PropertyValue | undefined): void {
  const text = optionText(value);
  switch (key) {
    case 'TYPE': {
      const type = (text ?? 'PERSON').toUpperCase();
      if (!(USER_TYPES as readonly string[]).includes(type)) throw invalid(`invalid value '${text}' for property 'TYPE'`);
      user.type = type as UserEntry['type'];
      break;
    }
    case 'PASSWORD':
      user.passwordHash = text === undefined || text === '' ? undefined : hashPasswordSync(text);
      break;
    case 'LOGIN_NAME':
      user.loginName = (text ?? user.name).toUpperCase();
      break;
    case 'DISPLAY_NAME':
      user.displayName = text;
      break;
    case 'FIRST_NAME':
      user.firstName = text;
      break;
    case 'LAST_NAME':
      user.lastName = text;
      break;
    case 'EMAIL':
      user.email = text;
      break;
    case 'COMMENT':
      user.comment = text;
      break;
    case 'DEFAULT_ROLE':
      user.defaultRole = text;
      break;
    case 'DEFAULT_WAREHOUSE':
      user.defaultWarehouse = text;
      break;
    case 'DEFAULT_NAMESPACE':
      user.defaultNamespace = text;
      break;
    case 'RSA_PUBLIC_KEY':
      user.rsaPublicKey = text ? validPublicKey(text) : undefined;
      break;
    case 'RSA_PUBLIC_KEY_2':
      user.rsaPublicKey2 = text ? validPublicKey(text) : undefined;
      break;
    case 'DISABLED':
      user.disabled = optionBool(value) ?? false;
      break;
    case 'MUST_CHANGE_PASSWORD':
      user.mustChangePassword = optionBool(value) ?? false;
      break;
    case 'NETWORK_POLICY':
      // Network policies change who may log in (and whether programmatic access tokens work): papi
      // local has none, so it refuses to pretend one applies. UNSET (value undefined) has nothing to undo.
      if (value !== undefined) throw unsupported('NETWORK_POLICY (network policies)');
      break;
    default:
      // Other user properties (DEFAULT_SECONDARY_ROLES, MINS_TO_UNLOCK, …) are accepted and ignored.
      break;
  }
}

/** Removes a user with its role grants and the grants on it (CREATE OR REPLACE USER, DROP USER). */
function dropUserEntry(ex: Exec, name: string): void {
  const { state } = ex.core;
  const user = state.users[name]!;
  delete state.users[name];
  state.roleGrants = state.roleGrants.filter((g) => !(g.granteeType === 'USER' && g.grantee === name));
  state.grants = state.grants.filter((g) => !(g.objectType === 'USER' && g.objectId === user.id));
}

export function createUser(ex: Exec, stmt: ast.CreateUserStatement): StatementResult {
  const name = lastPart(stmt.name);
  const { state } = ex.core;
  ex.scope.requireOnAccount('CREATE USER');
  if (state.users[name]) {
    if (stmt.ifNotExists) return alreadyExists(name);
    if (!stmt.orReplace) throw objectExists('User', name);
    dropUserEntry(ex, name);
  }
  const user: UserEntry = { id: ex.core.nextId(), name, owner: ex.session.role, createdOn: now(), loginName: name.toUpperCase(), type: 'PERSON', disabled: false };
  for (const [key, value] of Object.entries(stmt.properties)) applyUserProperty(user, key, value);
  if (user.type === 'SERVICE' && user.passwordHash) throw invalid("Property 'PASSWORD' is not supported for users of TYPE=SERVICE.");
  state.users[name] = user;
  ex.core.changed();
  return created('User', name);
}

export function alterUser(ex: Exec, stmt: ast.AlterUserStatement): StatementResult {
  const name = lastPart(stmt.name);
  const { state } = ex.core;
  const user = state.users[name];
  if (!user) {
    if (stmt.ifExists) return succeeded();
    throw doesNotExist('User', display(name));
  }
  // A user may change its own keys and password; everything else needs ownership or USERADMIN.
  const self = ex.session.user === user.name;
  const allowed = ex.scope.access.owns({ objectType: 'USER', id: user.id, owner: user.owner }) || ex.scope.access.hasOnAccount('CREATE USER');
  const action = stmt.action;
  if (action.kind === 'renameTo') {
    if (!allowed) throw insufficientPrivileges('user', name);
    const newName = lastPart(action.newName);
    if (state.users[newName]) throw objectExists('User', newName);
    delete state.users[name];
    user.name = newName;
    state.users[newName] = user;
    for (const g of state.roleGrants) if (g.granteeType === 'USER' && g.grantee === name) g.grantee = newName;
  } else {
    const keys = action.kind === 'set' ? Object.keys(action.properties) : action.names;
    const selfKeys = ['RSA_PUBLIC_KEY', 'RSA_PUBLIC_KEY_2', 'PASSWORD', 'DEFAULT_ROLE', 'DEFAULT_WAREHOUSE', 'DEFAULT_NAMESPACE'];
    if (!allowed && !(self && keys.every((k) => selfKeys.includes(k)))) throw insufficientPrivileges('user', name);
    if (action.kind === 'set') for (const [key, value] of Object.entries(action.properties)) applyUserProperty(user, key, value);
    else for (const key of action.names) applyUserProperty(user, key, key === 'TYPE' ? { kind: 'string', value: 'PERSON' } : undefined);
  }
  ex.core.changed();
  return succeeded();
}

// ── warehouses

function warehouseSize(text: string | undefined): string {
  const sizes: Record<string, string> = {
    XSMALL: 'X-Small', 'X-SMALL': 'X-Small', SMALL: 'Small', MEDIUM: 'Medium', LARGE: 'Large',
    XLARGE: 'X-Large', 'X-LARGE': 'X-Large', XXLARGE: '2X-Large', '2X-LARGE': '2X-Large', X2LARGE: '2X-Large',
    XXXLARGE: '3X-Large', X3LARGE: '3X-Large', X4LARGE: '4X-Large', X5LARGE: '5X-Large', X6LARGE: '6X-Large',
  };
  if (text === undefined) return 'X-Small';
  const size = sizes[text.toUpperCase()];
  if (!size) throw invalid(`invalid value '${text}' for property 'WAREHOUSE_SIZE'`);
  return size;
}

function applyWarehouseProperties(wh: WarehouseEntry, properties: ast.Properties): void {
  for (const [key, value] of Object.entries(properties)) {
    if (key === 'WAREHOUSE_SIZE') wh.size = warehouseSize(optionText(value));
    else if (key === 'AUTO_SUSPEND') wh.autoSuspend = value.kind === 'null' ? null : Number(optionText(value));
    else if (key === 'AUTO_RESUME') wh.autoResume = optionBool(value) ?? true;
    else if (key === 'WAREHOUSE_TYPE') wh.type = (optionText(value) ?? 'STANDARD').toUpperCase();
    else if (key === 'COMMENT') wh.comment = optionText(value);
  }
}

export function createWarehouse(ex: Exec, stmt: ast.CreateWarehouseStatement): StatementResult {
  const name = lastPart(stmt.name);
  const { state } = ex.core;
  ex.scope.requireOnAccount('CREATE WAREHOUSE');
  const existing = state.warehouses[name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(name);
    if (!stmt.orReplace) throw objectExists('Object', name);
    state.grants = state.grants.filter((g) => !(g.objectType === 'WAREHOUSE' && g.objectId === existing.id));
  }
  const wh: WarehouseEntry = {
    id: ex.core.nextId(),
    name,
    owner: ex.session.role,
    createdOn: now(),
    size: 'X-Small',
    state: optionBool(stmt.properties.INITIALLY_SUSPENDED) ? 'SUSPENDED' : 'STARTED',
    autoSuspend: 600,
    autoResume: true,
    type: 'STANDARD',
  };
  applyWarehouseProperties(wh, stmt.properties);
  state.warehouses[name] = wh;
  // Snowflake makes a new warehouse the session's current one.
  ex.session.warehouse = name;
  ex.core.changed();
  return created('Warehouse', name);
}

export function alterWarehouse(ex: Exec, stmt: ast.AlterWarehouseStatement): StatementResult {
  const name = lastPart(stmt.name);
  const wh = ex.core.state.warehouses[name];
  const securable = wh && { objectType: 'WAREHOUSE' as const, id: wh.id, owner: wh.owner };
  if (!wh || !ex.scope.access.sees(securable!)) {
    if (stmt.ifExists) return succeeded();
    throw doesNotExist('Warehouse', display(name));
  }
  const action = stmt.action;
  const operate = ex.scope.access.has(securable!, 'OPERATE');
  const modify = ex.scope.access.has(securable!, 'MODIFY');
  if (action.kind === 'suspend') {
    if (!operate) throw insufficientPrivileges('warehouse', name);
    if (wh.state === 'SUSPENDED') throw new SqlError('090064', '22000', `Invalid state. Warehouse '${name}' cannot be suspended.`);
    wh.state = 'SUSPENDED';
  } else if (action.kind === 'resume') {
    if (!operate) throw insufficientPrivileges('warehouse', name);
    // Resuming a started warehouse is accepted (with or without IF SUSPENDED).
    wh.state = 'STARTED';
  } else if (action.kind === 'abortAllQueries') {
    if (!operate) throw insufficientPrivileges('warehouse', name);
  } else if (action.kind === 'set') {
    if (!modify) throw insufficientPrivileges('warehouse', name);
    applyWarehouseProperties(wh, action.properties);
  } else if (action.kind === 'unset') {
    if (!modify) throw insufficientPrivileges('warehouse', name);
    if (action.names.includes('COMMENT')) delete wh.comment;
  } else {
    if (!ex.scope.access.owns(securable!)) throw insufficientPrivileges('warehouse', name);
    const newName = lastPart(action.newName);
    delete ex.core.state.warehouses[name];
    wh.name = newName;
    ex.core.state.warehouses[newName] = wh;
  }
  ex.core.changed();
  return succeeded();
}

// ── compute pools

function applyPoolProperties(pool: ComputePoolEntry, properties: ast.Properties): void {
  for (const [key, value] of Object.entries(properties)) {
    const text = optionText(value);
    if (key === 'MIN_NODES') pool.minNodes = Number(text);
    else if (key === 'MAX_NODES') pool.maxNodes = Number(text);
    else if (key === 'INSTANCE_FAMILY') pool.instanceFamily = (text ?? '').toUpperCase();
    else if (key === 'AUTO_RESUME') pool.autoResume = optionBool(value) ?? true;
    else if (key === 'AUTO_SUSPEND_SECS') pool.autoSuspendSecs = Number(text);
    else if (key === 'COMMENT') pool.comment = text;
  }
  if (pool.minNodes < 1 || pool.maxNodes < pool.minNodes) throw invalid('MAX_NODES must be greater than or equal to MIN_NODES, and MIN_NODES at least 1.');
}

export function createComputePool(ex: Exec, stmt: ast.CreateComputePoolStatement): StatementResult {
  const name = lastPart(stmt.name);
  const { state } = ex.core;
  ex.scope.requireOnAccount('CREATE COMPUTE POOL');
  const existing = state.computePools[name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(name);
    if (!stmt.orReplace) throw objectExists('Compute pool', name);
  }
  if (!stmt.properties.INSTANCE_FAMILY) throw invalid("Missing option(s): 'INSTANCE_FAMILY'.");
  const pool: ComputePoolEntry = {
    id: existing?.id ?? ex.core.nextId(),
    name,
    owner: ex.session.role,
    createdOn: now(),
    state: optionBool(stmt.properties.INITIALLY_SUSPENDED) ? 'SUSPENDED' : 'IDLE',
    minNodes: 1,
    maxNodes: 1,
    instanceFamily: 'CPU_X64_XS',
    autoResume: true,
    autoSuspendSecs: 3600,
  };
  applyPoolProperties(pool, stmt.properties);
  state.computePools[name] = pool;
  ex.core.changed();
  return created('Compute Pool', name);
}

/**
 * CREATE SECURITY INTEGRATION, as the SPCS tutorial runs it for the ingress's OAuth
 * (TYPE = OAUTH, OAUTH_CLIENT = SNOWSERVICES_INGRESS): recorded and shown by SHOW INTEGRATIONS.
 * Other kinds configure logins papi local does not offer, so they are refused by name.
 * https://docs.snowflake.com/en/sql-reference/sql/create-security-integration-oauth-snowflake
 */
export function createSecurityIntegration(ex: Exec, stmt: ast.CreateSecurityIntegrationStatement): StatementResult {
  const name = lastPart(stmt.name);
  const { state } = ex.core;
  ex.scope.requireOnAccount('CREATE INTEGRATION');
  const type = (optionText(stmt.properties.TYPE) ?? '').toUpperCase();
  const client = (optionText(stmt.properties.OAUTH_CLIENT) ?? '').toUpperCase();
  if (type !== 'OAUTH' || client !== 'SNOWSERVICES_INGRESS')
    throw unsupported(`SECURITY INTEGRATION TYPE = ${type || '(none)'}${client ? ` OAUTH_CLIENT = ${client}` : ''}`);
  const existing = state.integrations[name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(name);
    if (!stmt.orReplace) throw objectExists('Integration', name);
  }
  const integration: IntegrationEntry = {
    id: existing?.id ?? ex.core.nextId(),
    name,
    owner: ex.session.role,
    createdOn: now(),
    type: `OAUTH - ${client}`,
    category: 'SECURITY',
    enabled: optionBool(stmt.properties.ENABLED) ?? false,
    ...(optionText(stmt.properties.COMMENT) !== undefined ? { comment: optionText(stmt.properties.COMMENT)! } : {}),
  };
  state.integrations[name] = integration;
  ex.core.changed();
  return created('Integration', name);
}

export async function alterComputePool(ex: Exec, stmt: ast.AlterComputePoolStatement): Promise<StatementResult> {
  const name = lastPart(stmt.name);
  const pool = ex.core.state.computePools[name];
  const securable = pool && { objectType: 'COMPUTE POOL' as const, id: pool.id, owner: pool.owner };
  if (!pool || !ex.scope.access.sees(securable!)) {
    if (stmt.ifExists) return succeeded();
    throw doesNotExist('Compute pool', display(name));
  }
  const action = stmt.action;
  const needs = action.kind === 'set' || action.kind === 'unset' || action.kind === 'renameTo' ? 'MODIFY' : 'OPERATE';
  if (!ex.scope.access.has(securable!, needs)) throw insufficientPrivileges('compute pool', name);
  if (action.kind === 'stopAll') {
    for (const db of Object.values(ex.core.state.databases))
      for (const schema of Object.values(db.schemas))
        for (const service of Object.values(schema.services))
          if (service.computePool === name) {
            await ex.core.services?.drop({ database: db.name, schema: schema.name, name: service.name });
            delete schema.services[service.name];
          }
    pool.state = 'IDLE';
  } else if (action.kind === 'suspend') {
    await suspendServicesInPool(ex, name);
    pool.state = 'SUSPENDED';
  } else if (action.kind === 'resume') pool.state = 'IDLE';
  else if (action.kind === 'set') applyPoolProperties(pool, action.properties);
  else if (action.kind === 'unset') {
    if (action.names.includes('COMMENT')) delete pool.comment;
  } else throw unsupported('ALTER COMPUTE POOL … RENAME');
  ex.core.changed();
  return succeeded();
}

// ── DROP of account objects

export async function dropAccountObject(ex: Exec, stmt: ast.DropStatement): Promise<StatementResult | undefined> {
  const name = lastPart(stmt.name);
  const { state } = ex.core;
  const { access } = ex.scope;
  switch (stmt.objectType) {
    case 'ROLE': {
      const role = state.roles[name];
      if (!role) return missingOnDrop(stmt.ifExists, name, () => doesNotExist('Role', display(name)));
      if ((SYSTEM_ROLES as readonly string[]).includes(name)) throw invalid(`Cannot drop system role '${name}'.`);
      if (!access.owns({ objectType: 'ROLE', id: role.id, owner: role.owner })) throw insufficientPrivileges('role', name);
      dropRoleEntry(ex, name);
      if (ex.session.role === name) ex.session.role = 'PUBLIC';
      break;
    }
    case 'USER': {
      const user = state.users[name];
      if (!user) return missingOnDrop(stmt.ifExists, name, () => doesNotExist('User', display(name)));
      if (!access.owns({ objectType: 'USER', id: user.id, owner: user.owner }) && !access.hasOnAccount('CREATE USER')) throw insufficientPrivileges('user', name);
      dropUserEntry(ex, name);
      break;
    }
    case 'WAREHOUSE': {
      const wh = state.warehouses[name];
      if (!wh || !access.sees({ objectType: 'WAREHOUSE', id: wh.id, owner: wh.owner })) return missingOnDrop(stmt.ifExists, name, () => doesNotExist('Warehouse', display(name)));
      if (!access.owns({ objectType: 'WAREHOUSE', id: wh.id, owner: wh.owner })) throw insufficientPrivileges('warehouse', name);
      delete state.warehouses[name];
      state.grants = state.grants.filter((g) => !(g.objectType === 'WAREHOUSE' && g.objectId === wh.id));
      if (ex.session.warehouse === name) delete ex.session.warehouse;
      break;
    }
    case 'COMPUTE POOL': {
      const pool = state.computePools[name];
      if (!pool || !access.sees({ objectType: 'COMPUTE POOL', id: pool.id, owner: pool.owner })) return missingOnDrop(stmt.ifExists, name, () => doesNotExist('Compute pool', display(name)));
      if (!access.owns({ objectType: 'COMPUTE POOL', id: pool.id, owner: pool.owner })) throw insufficientPrivileges('compute pool', name);
      const running = Object.values(state.databases).some((db) =>
        Object.values(db.schemas).some((s) => Object.values(s.services).some((svc) => svc.computePool === name)),
      );
      if (running)
        throw new SqlError('395002', '22000', `Cannot drop compute pool ${name} as it has one or more services or jobs associated with it. Use ALTER COMPUTE POOL ${name} STOP ALL to stop them first.`); // number unverified
      delete state.computePools[name];
      state.grants = state.grants.filter((g) => !(g.objectType === 'COMPUTE POOL' && g.objectId === pool.id));
      break;
    }
    case 'INTEGRATION': {
      const integration = state.integrations[name];
      if (!integration) return missingOnDrop(stmt.ifExists, name, () => doesNotExist('Integration', display(name)));
      if (!access.owns({ objectType: 'INTEGRATION', id: integration.id, owner: integration.owner })) throw insufficientPrivileges('integration', name);
      delete state.integrations[name];
      break;
    }
    default:
      return undefined;
  }
  ex.core.changed();
  return dropped(name);
}
