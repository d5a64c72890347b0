// SPCS services: the catalog side of CREATE / ALTER / DROP SERVICE, kept in step with the runtime
// (src/local/spcs/ implements ServiceRuntime). The SYSTEM$ functions live in model/system-functions.ts.
import { SqlError } from '../../errors.js';
import type { ServiceDefinition } from '../../platform.js';
import { alreadyExists, created, doesNotExist, dropped, insufficientPrivileges, invalid, missingOnDrop, objectExists, succeeded, unsupported } from '../formats/messages.js';
import { optionBool, optionText } from '../formats/property-values.js';
import { now, type ServiceEntry } from '../model/catalog.js';
import type { Exec } from '../model/core.js';
import { display, lastPart, type QualifiedName } from '../model/name-resolution.js';
import { findService, serviceRuntime } from '../model/service-objects.js';
import type * as ast from '../sql/ast.js';
import type { StatementResult } from '../types.js';

function specificationText(spec: ast.ServiceSpecSource): string {
  if (spec.kind === 'inline') return spec.text;
  throw unsupported(spec.kind === 'file' ? 'CREATE SERVICE … FROM @stage SPECIFICATION_FILE' : 'Service specification templates');
}

function definition(path: QualifiedName, service: ServiceEntry): ServiceDefinition {
  return {
    database: path.database,
    schema: path.schema,
    name: path.name,
    computePool: service.computePool,
    specification: service.specification,
    ownerRole: service.owner,
    owner: service.creator,
    queryWarehouse: service.queryWarehouse,
    minInstances: service.minInstances,
    maxInstances: service.maxInstances,
  };
}

/** Snowflake refuses these as a service's owner role, to limit what a misbehaving service can do. */
const PRIVILEGED_ROLES = ['ACCOUNTADMIN', 'SECURITYADMIN', 'ORGADMIN'];

/**
 * The rule is documented ("the service's owner role cannot be any of the privileged roles, such as
 * ACCOUNTADMIN, SECURITYADMIN, and ORGADMIN"); Snowflake's error number and text for it are
 * UNCONFIRMED: this is papi local's wording, as an access control error.
 */
function privilegedOwner(role: string): SqlError {
  return new SqlError(
    '003001',
    '42501',
    `SQL access control error:\nA service cannot be owned by the role ${role}: create it with a role other than ACCOUNTADMIN, SECURITYADMIN or ORGADMIN.`,
  );
}

export async function createService(ex: Exec, stmt: ast.CreateServiceStatement): Promise<StatementResult> {
  const { path, schema } = ex.scope.targetSchema(stmt.name, 'CREATE SERVICE', 'CREATE SERVICE');
  const existing = schema.services[path.name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(path.name);
    if (!stmt.orReplace) throw objectExists('Object', display(path.database, path.schema, path.name));
  }
  const poolName = lastPart(stmt.computePool);
  const pool = ex.core.state.computePools[poolName];
  if (!pool || !ex.scope.access.sees({ objectType: 'COMPUTE POOL', id: pool.id, owner: pool.owner })) throw doesNotExist('Compute pool', display(poolName));
  if (!ex.scope.access.has({ objectType: 'COMPUTE POOL', id: pool.id, owner: pool.owner }, 'USAGE')) throw insufficientPrivileges('compute pool', poolName);
  const specification = specificationText(stmt.specification);
  // A public endpoint needs BIND SERVICE ENDPOINT on the account (Snowflake checks it at CREATE SERVICE).
  if (/\bpublic["']?\s*:\s*["']?true\b/i.test(specification) && !ex.scope.access.hasOnAccount('BIND SERVICE ENDPOINT'))
    throw insufficientPrivileges('account', ex.core.state.account);
  const props = stmt.properties;
  const service: ServiceEntry = {
    id: ex.core.nextId(),
    name: path.name,
    owner: ex.session.role,
    createdOn: now(),
    comment: optionText(props.COMMENT),
    computePool: poolName,
    specification,
    minInstances: Number(optionText(props.MIN_INSTANCES) ?? 1),
    maxInstances: Number(optionText(props.MAX_INSTANCES) ?? optionText(props.MIN_INSTANCES) ?? 1),
    queryWarehouse: optionText(props.QUERY_WAREHOUSE),
    suspended: false,
    ...(props.AUTO_RESUME ? { autoResume: optionBool(props.AUTO_RESUME) ?? true } : {}),
    creator: ex.session.user,
  };
  const services = serviceRuntime(ex);
  if (PRIVILEGED_ROLES.includes(ex.session.role)) throw privilegedOwner(ex.session.role);
  if (existing) await services.drop(path);
  await services.create(definition(path, service));
  schema.services[path.name] = service;
  pool.state = 'ACTIVE';
  ex.core.changed();
  return created('Service', path.name);
}

export async function alterService(ex: Exec, stmt: ast.AlterServiceStatement): Promise<StatementResult> {
  const path = ex.scope.qualify(stmt.name, 'ALTER SERVICE');
  if (stmt.ifExists && !ex.scope.schema(path)?.services[path.name]) return succeeded();
  const { service } = findService(ex, stmt.name);
  const securable = { objectType: 'SERVICE' as const, id: service.id, owner: service.owner };
  const action = stmt.action;
  const services = serviceRuntime(ex);
  if (action.kind === 'specification') {
    if (!ex.scope.access.owns(securable)) throw insufficientPrivileges('service', path.name);
    service.specification = specificationText(action.specification);
    await services.alter(definition(path, service));
  } else if (action.kind === 'suspend' || action.kind === 'resume') {
    if (!ex.scope.access.has(securable, 'OPERATE')) throw insufficientPrivileges('service', path.name);
    // SUSPEND of a suspended service and RESUME of a running one change nothing here; whether
    // Snowflake answers them with an error no source says (UNCONFIRMED).
    if (action.kind === 'suspend') await services.suspend(path);
    else {
      resumePoolFor(ex, service.computePool);
      await services.resume(path);
    }
    service.suspended = action.kind === 'suspend';
  } else if (action.kind === 'set') {
    if (!ex.scope.access.owns(securable)) throw insufficientPrivileges('service', path.name);
    const props = action.properties;
    if (props.MIN_INSTANCES) service.minInstances = Number(optionText(props.MIN_INSTANCES));
    if (props.MAX_INSTANCES) service.maxInstances = Number(optionText(props.MAX_INSTANCES));
    if (props.QUERY_WAREHOUSE) service.queryWarehouse = optionText(props.QUERY_WAREHOUSE);
    if (props.COMMENT) service.comment = optionText(props.COMMENT);
    if (props.AUTO_RESUME) service.autoResume = optionBool(props.AUTO_RESUME) ?? true;
    if (service.minInstances > service.maxInstances) throw invalid(`MIN_INSTANCES (${service.minInstances}) cannot be greater than MAX_INSTANCES (${service.maxInstances}).`);
    if (props.MIN_INSTANCES || props.MAX_INSTANCES || props.QUERY_WAREHOUSE) await services.configure(definition(path, service));
  } else if (action.kind === 'unset') {
    if (action.names.includes('COMMENT')) delete service.comment;
    if (action.names.includes('AUTO_RESUME')) delete service.autoResume;
  } else throw unsupported('ALTER SERVICE … RENAME');
  ex.core.changed();
  return succeeded();
}

/**
 * A compute pool with AUTO_RESUME resumes "when a service or job is submitted to it"
 * (https://docs.snowflake.com/en/sql-reference/sql/alter-compute-pool): papi local counts resuming a
 * service as submitting it. With AUTO_RESUME = FALSE the pool must be resumed first; Snowflake's error
 * number and text for that are UNCONFIRMED (this is papi local's wording).
 */
function resumePoolFor(ex: Exec, poolName: string): void {
  const pool = ex.core.state.computePools[poolName];
  if (!pool || pool.state !== 'SUSPENDED') return;
  if (!pool.autoResume) throw invalid(`Compute pool ${poolName} is suspended and its AUTO_RESUME is FALSE: run ALTER COMPUTE POOL ${poolName} RESUME first.`);
  pool.state = 'ACTIVE';
}

export async function dropService(ex: Exec, stmt: ast.DropStatement): Promise<StatementResult> {
  const path = ex.scope.qualify(stmt.name, 'DROP SERVICE');
  const schema = ex.scope.schema(path);
  const service = schema?.services[path.name];
  if (!schema || !service || !ex.scope.access.sees({ objectType: 'SERVICE', id: service.id, owner: service.owner })) return missingOnDrop(stmt.ifExists, path.name, () => doesNotExist('Service', display(path.database, path.schema, path.name)));
  if (!ex.scope.access.owns({ objectType: 'SERVICE', id: service.id, owner: service.owner })) throw insufficientPrivileges('service', path.name);
  await ex.core.services?.drop(path);
  delete schema.services[path.name];
  ex.core.state.grants = ex.core.state.grants.filter((g) => g.objectId !== service.id);
  // A pool with no service left goes back to IDLE.
  const pool = ex.core.state.computePools[service.computePool];
  const inUse = Object.values(ex.core.state.databases).some((db) => Object.values(db.schemas).some((sc) => Object.values(sc.services).some((x) => x.computePool === service.computePool)));
  if (pool && pool.state === 'ACTIVE' && !inUse) pool.state = 'IDLE';
  ex.core.changed();
  return dropped(path.name);
}

