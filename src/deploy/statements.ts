// The SQL of deploy, status, logs and token, rendered from sql/deploy and sql/token with the config's
// object names. Run-time values (service name in SYSTEM$ calls, log line counts) are binds.
import type { PapiConfig } from '../config/types.js';
import type { PublicKeySlot } from '../auth/index.js';
import { resolveNames, step, type PlannedStatement } from '../snowflake/plan.js';
import { dollarQuoted, identifier, integer, keyword, publicKey, type TemplateValues } from '../snowflake/template.js';
import type { ServiceSpec } from './service-spec.js';

const MAX_INSTANCES = 100;

/** The instance counts and warehouse every deploy applies, checked once for CREATE and ALTER alike. */
function serviceSettings(config: PapiConfig): TemplateValues {
  const names = resolveNames(config.snowflake);
  const s = config.snowflake.service;
  return {
    min_instances: integer(s.minInstances, { min: 1, max: MAX_INSTANCES }, 'snowflake.service.minInstances'),
    max_instances: integer(s.maxInstances, { min: s.minInstances, max: MAX_INSTANCES }, 'snowflake.service.maxInstances'),
    warehouse: names.warehouse,
  };
}

export function createServiceStatements(config: PapiConfig, spec: ServiceSpec): PlannedStatement[] {
  const names = resolveNames(config.snowflake);
  return step('create-service', 'Create service', 'objects', 'deploy/01-create-service.sql', {
    api_role: names.apiRole,
    service: names.service,
    compute_pool: names.computePool,
    specification: dollarQuoted(JSON.stringify(spec)),
    ...serviceSettings(config),
  }).statements;
}

/** ALTER SERVICE … SET (counts, warehouse), then ALTER SERVICE … FROM SPECIFICATION. */
export function alterServiceStatements(config: PapiConfig, spec: ServiceSpec): PlannedStatement[] {
  const names = resolveNames(config.snowflake);
  return step('alter-service', 'Upgrade service', 'objects', 'deploy/02-alter-service.sql', {
    service: names.service,
    specification: dollarQuoted(JSON.stringify(spec)),
    ...serviceSettings(config),
  }).statements;
}

type Query = 'image-repositories' | 'containers' | 'endpoints' | 'services' | 'compute-pools';

/** One of the SHOW statements papi polls during deploy and status. */
export function showStatement(config: PapiConfig, query: Query): PlannedStatement {
  const names = resolveNames(config.snowflake);
  const values: TemplateValues =
    query === 'containers' || query === 'endpoints' ? { service: names.service } : query === 'compute-pools' ? {} : { api_schema: names.apiSchema };
  return step(query, query, 'objects', `deploy/${query}.sql`, values).statements[0]!;
}

/** SYSTEM$GET_SERVICE_LOGS for one container; the service's fully qualified name travels as a bind. */
export function logsStatement(config: PapiConfig, instanceId: string, container: string, lines: number): PlannedStatement {
  const o = config.snowflake;
  const [statement] = step('logs', 'Logs', 'objects', 'deploy/logs.sql', {}).statements;
  return { ...statement!, binds: [`${o.api.database}.${o.api.schema}.${o.service.name}`, instanceId, container, lines] };
}

export function registerKeyStatement(config: PapiConfig, slot: PublicKeySlot, body: string): PlannedStatement {
  return step('register-key', 'Register key', 'objects', 'token/register-key.sql', {
    service_user: identifier(config.snowflake.service.user, 'snowflake.service.user'),
    slot: keyword(slot, ['RSA_PUBLIC_KEY', 'RSA_PUBLIC_KEY_2']),
    public_key: publicKey(body),
  }).statements[0]!;
}

/** ALTER SERVICE … SUSPEND | RESUME and ALTER COMPUTE POOL … SUSPEND | RESUME (papi suspend, papi resume). */
export function suspendStatement(config: PapiConfig, what: 'service' | 'pool', action: 'suspend' | 'resume'): PlannedStatement {
  const names = resolveNames(config.snowflake);
  const values: TemplateValues = what === 'service' ? { service: names.service } : { compute_pool: names.computePool };
  return step(`${action}-${what}`, `${action} ${what}`, 'objects', `deploy/${action}-${what === 'service' ? 'service' : 'pool'}.sql`, values).statements[0]!;
}
