// SPCS services: the catalog side of CREATE / ALTER / DROP SERVICE, and the SYSTEM$ functions that
// read the runtime (src/local/spcs/ implements ServiceRuntime).
import { SqlError } from '../../errors.js';
import type { ServiceDefinition, ServiceKey, ServiceRuntime } from '../../platform.js';
import { now, type SchemaEntry, type ServiceEntry } from '../model/catalog.js';
import type { Exec } from '../model/core.js';
import { optionText } from '../formats/csv-reader.js';
import { alreadyDropped, alreadyExists, created, doesNotExist, dropped, insufficientPrivileges, objectExists, succeeded, unsupported } from '../formats/messages.js';
import { display, lastPart, type QualifiedName } from '../model/name-resolution.js';
import { targetSchema } from './ddl.js';
import type * as ast from '../sql/ast.js';
import type { StatementResult } from '../types.js';

function runtime(ex: Exec): ServiceRuntime {
  if (!ex.core.services)
    throw new SqlError('002040', '0A000', 'SQL compilation error:\nServices are not available: this papi local engine was started without an SPCS runtime.');
  return ex.core.services;
}

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
  const { path, schema } = targetSchema(ex, stmt.name, 'CREATE SERVICE', 'CREATE SERVICE');
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
    creator: ex.session.user,
  };
  const services = runtime(ex);
  if (PRIVILEGED_ROLES.includes(ex.session.role)) throw privilegedOwner(ex.session.role);
  if (existing) await services.drop(path);
  await services.create(definition(path, service));
  schema.services[path.name] = service;
  pool.state = 'ACTIVE';
  ex.core.changed();
  return created('Service', path.name);
}

/** A service the role can see, with its path. */
export function findService(ex: Exec, name: ast.ObjectName): { path: QualifiedName; schema: SchemaEntry; service: ServiceEntry } {
  const path = ex.scope.qualify(name, 'DESCRIBE SERVICE');
  const schema = ex.scope.schema(path);
  const service = schema?.services[path.name];
  if (!schema || !service || !ex.scope.access.sees({ objectType: 'SERVICE', id: service.id, owner: service.owner }))
    throw doesNotExist('Service', display(path.database, path.schema, path.name));
  return { path, schema, service };
}

export async function alterService(ex: Exec, stmt: ast.AlterServiceStatement): Promise<StatementResult> {
  const path = ex.scope.qualify(stmt.name, 'ALTER SERVICE');
  if (stmt.ifExists && !ex.scope.schema(path)?.services[path.name]) return succeeded();
  const { service } = findService(ex, stmt.name);
  const securable = { objectType: 'SERVICE' as const, id: service.id, owner: service.owner };
  const action = stmt.action;
  const services = runtime(ex);
  if (action.kind === 'specification') {
    if (!ex.scope.access.owns(securable)) throw insufficientPrivileges('service', path.name);
    service.specification = specificationText(action.specification);
    await services.alter(definition(path, service));
  } else if (action.kind === 'suspend' || action.kind === 'resume') {
    if (!ex.scope.access.has(securable, 'OPERATE')) throw insufficientPrivileges('service', path.name);
    if (action.kind === 'suspend') await services.suspend(path);
    else await services.resume(path);
    service.suspended = action.kind === 'suspend';
  } else if (action.kind === 'set') {
    if (!ex.scope.access.owns(securable)) throw insufficientPrivileges('service', path.name);
    const props = action.properties;
    if (props.MIN_INSTANCES) service.minInstances = Number(optionText(props.MIN_INSTANCES));
    if (props.MAX_INSTANCES) service.maxInstances = Number(optionText(props.MAX_INSTANCES));
    if (props.QUERY_WAREHOUSE) service.queryWarehouse = optionText(props.QUERY_WAREHOUSE);
    if (props.COMMENT) service.comment = optionText(props.COMMENT);
  } else if (action.kind === 'unset') {
    if (action.names.includes('COMMENT')) delete service.comment;
  } else throw unsupported('ALTER SERVICE … RENAME');
  ex.core.changed();
  return succeeded();
}

export async function dropService(ex: Exec, stmt: ast.DropStatement): Promise<StatementResult> {
  const path = ex.scope.qualify(stmt.name, 'DROP SERVICE');
  const schema = ex.scope.schema(path);
  const service = schema?.services[path.name];
  if (!schema || !service || !ex.scope.access.sees({ objectType: 'SERVICE', id: service.id, owner: service.owner })) {
    if (stmt.ifExists) return alreadyDropped(path.name);
    throw doesNotExist('Service', display(path.database, path.schema, path.name));
  }
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

/** The ServiceKey named by a SYSTEM$ function's string argument ('db.schema.svc' or a shorter name). */
export function serviceKeyFromText(ex: Exec, text: string): ServiceKey {
  const parts = splitName(text);
  const { path } = findService(ex, { parts });
  return path;
}

function splitName(text: string): ast.Ident[] {
  const parts: ast.Ident[] = [];
  const regex = /"((?:[^"]|"")*)"|([^.]+)/g;
  let match: RegExpExecArray | null;
  while ((match = regex.exec(text.trim())) !== null) {
    if (match[1] !== undefined) parts.push({ name: match[1].replace(/""/g, '"'), quoted: true });
    else parts.push({ name: match[2]!.trim().toUpperCase(), quoted: false });
  }
  return parts;
}

/** The SYSTEM$ calls anywhere in a statement's tree. */
export function systemCalls(root: unknown): ast.FunctionCall[] {
  const calls: ast.FunctionCall[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Record<string, unknown>;
    if (n.kind === 'function' && n.system === true) calls.push(n as unknown as ast.FunctionCall);
    for (const value of Object.values(n)) walk(value);
  };
  walk(root);
  return calls;
}

/** A SYSTEM$ call's arguments: constants or binds only. */
export function constantArgs(ex: Exec, call: ast.FunctionCall): Array<string | number | null> {
  return call.args.map(({ value: expr }) => {
    if (expr.kind === 'string') return expr.value;
    if (expr.kind === 'number') return Number(expr.text);
    if (expr.kind === 'null') return null;
    if (expr.kind === 'bind') {
      const value = ex.binds[expr.index - 1]?.value;
      return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
    }
    throw new SqlError('002029', '42601', `SQL compilation error:\nArguments of ${call.name} must be constants.`);
  });
}

export interface PlannedWait {
  id: string;
  keys: ServiceKey[];
  timeoutSeconds: number;
}

/** The SYSTEM$WAIT_FOR_SERVICES calls of a statement, resolved (the engine waits outside its lock). */
export function plannedWaits(ex: Exec, root: unknown): PlannedWait[] {
  return systemCalls(root)
    .filter((call) => call.name === 'SYSTEM$WAIT_FOR_SERVICES')
    .map((call) => {
      const [timeout, ...names] = constantArgs(ex, call);
      return { id: JSON.stringify([timeout, ...names]), keys: names.map((n) => serviceKeyFromText(ex, String(n))), timeoutSeconds: Number(timeout ?? 300) };
    });
}

/**
 * SYSTEM$ functions papi calls, evaluated before the query runs: the result is a value the
 * translator inlines as a literal.
 */
export async function systemFunction(ex: Exec, name: string, args: Array<string | number | null>): Promise<string | null> {
  switch (name) {
    case 'SYSTEM$WAIT_FOR_SERVICES': {
      const [timeout, ...names] = args;
      // Waited for before the statement took the engine's lock (services may query while starting).
      const waited = ex.waited?.get(JSON.stringify(args));
      if (waited !== undefined) {
        if (waited) throw waited;
        return 'Running';
      }
      const keys = names.map((n) => serviceKeyFromText(ex, String(n)));
      await runtime(ex).waitForReady(keys, Number(timeout ?? 300));
      return 'Running';
    }
    case 'SYSTEM$GET_SERVICE_LOGS': {
      const [service, instance, container, lines] = args;
      const key = serviceKeyFromText(ex, String(service));
      return runtime(ex).logs(key, String(instance ?? '0'), String(container ?? ''), lines === null || lines === undefined ? undefined : Number(lines));
    }
    case 'SYSTEM$GET_SERVICE_STATUS': {
      const key = serviceKeyFromText(ex, String(args[0]));
      const { status, containers } = runtime(ex).status(key);
      return JSON.stringify(
        containers.length > 0
          ? containers.map((c) => ({ status: c.status, message: c.message, containerName: c.containerName, instanceId: c.instanceId, serviceName: key.name, image: c.imageName, restartCount: c.restartCount, startTime: c.startTime ?? '' }))
          : [{ status, message: '', serviceName: key.name }],
      );
    }
    default:
      throw new SqlError('002140', '42601', `SQL compilation error:\nUnknown function ${name}`);
  }
}
