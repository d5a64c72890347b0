// SPCS services as the catalog and the runtime know them: the runtime papi local was started with
// (src/local/spcs/ implements ServiceRuntime), finding a service the role can see, by name or by the
// text a SYSTEM$ function is given.
import { SqlError } from '../../errors.js';
import type { ServiceKey, ServiceRuntime } from '../../platform.js';
import { doesNotExist } from '../formats/messages.js';
import type * as ast from '../sql/ast.js';
import type { SchemaEntry, ServiceEntry } from './catalog.js';
import type { Exec } from './core.js';
import { display, type QualifiedName } from './name-resolution.js';

/** The SPCS runtime, or the error for an engine started without one. */
export function serviceRuntime(ex: Exec): ServiceRuntime {
  if (!ex.core.services)
    throw new SqlError('002040', '0A000', 'SQL compilation error:\nServices are not available: this papi local engine was started without an SPCS runtime.');
  return ex.core.services;
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

export type ServiceState = ReturnType<ServiceRuntime['status']>;

/**
 * What SHOW SERVICES, DESCRIBE SERVICE and SHOW SERVICE CONTAINERS report: the runtime's state when
 * papi local runs services (it knows when a call to the endpoint resumed a suspended service), else
 * what the catalog recorded.
 */
export function serviceState(ex: Exec, key: ServiceKey, entry: ServiceEntry): ServiceState {
  return ex.core.services?.status(key) ?? { status: entry.suspended ? 'SUSPENDED' : 'PENDING', containers: [] };
}

/**
 * ALTER COMPUTE POOL … SUSPEND: "Snowflake suspends all services in that compute pool"
 * (https://docs.snowflake.com/en/sql-reference/sql/alter-compute-pool). Resuming the pool does not
 * resume them (the page says nothing of it): ALTER SERVICE … RESUME does.
 */
export async function suspendServicesInPool(ex: Exec, pool: string): Promise<void> {
  for (const db of Object.values(ex.core.state.databases))
    for (const schema of Object.values(db.schemas))
      for (const service of Object.values(schema.services)) {
        if (service.computePool !== pool) continue;
        await ex.core.services?.suspend({ database: db.name, schema: schema.name, name: service.name });
        service.suspended = true;
      }
}
