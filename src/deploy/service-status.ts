// What `papi status` and `papi logs` read: the service row, its containers and endpoints, and the
// containers' logs — all through SHOW and SYSTEM$GET_SERVICE_LOGS, as the Snowflake CLI does.
import type { PapiConfig } from '../config/types.js';
import { ExitCode, PapiError } from '../ui/errors.js';
import { isMissingObject } from '../setup/fingerprints.js';
import { runStatement, type Row, type StatementRunner } from '../snowflake/runner.js';
import { endpointUrl } from './deployment.js';
import { containerState } from './readiness.js';
import { logsStatement, showStatement } from './statements.js';

export interface ServiceStatusReport {
  service: string;
  exists: boolean;
  status?: string;
  /** SHOW SERVICES is_upgrading: a rolling upgrade (ALTER SERVICE … FROM SPECIFICATION) is under way. */
  upgrading?: boolean;
  specDigest?: string;
  /** While no instance runs (PENDING, SUSPENDED), one row with an empty instance id and container. */
  containers: Array<{
    instanceId: string;
    container: string;
    status: string;
    message: string;
    image: string;
    imageDigest: string;
    restarts: number;
    lastExitCode: string | null;
  }>;
  endpoints: Array<{ name: string; public: boolean; ingress: string; url?: string }>;
}

export async function serviceStatus(conn: StatementRunner, config: PapiConfig, debug?: (m: string) => void): Promise<ServiceStatusReport> {
  const o = config.snowflake;
  const service = `${o.api.database}.${o.api.schema}.${o.service.name}`;
  let services: Row[];
  try {
    services = await runStatement(conn, showStatement(config, 'services'), debug);
  } catch (error) {
    if (isMissingObject(error)) return { service, exists: false, containers: [], endpoints: [] };
    throw error;
  }
  const row = services.find((s) => String(s.name).toUpperCase() === o.service.name.toUpperCase());
  if (!row) return { service, exists: false, containers: [], endpoints: [] };
  const containers = await runStatement(conn, showStatement(config, 'containers'), debug);
  const endpoints = await runStatement(conn, showStatement(config, 'endpoints'), debug);
  return {
    service,
    exists: true,
    status: String(row.status ?? ''),
    upgrading: String(row.is_upgrading).toLowerCase() === 'true',
    ...(row.spec_digest ? { specDigest: String(row.spec_digest) } : {}),
    containers: containers.map((c) => ({
      instanceId: String(c.instance_id ?? ''),
      container: String(c.container_name ?? ''),
      status: containerState(c),
      message: String(c.message ?? ''),
      image: String(c.image_name ?? ''),
      imageDigest: String(c.image_digest ?? ''),
      restarts: Number(c.restart_count ?? 0),
      lastExitCode: c.last_exit_code === null || c.last_exit_code === undefined ? null : String(c.last_exit_code),
    })),
    endpoints: endpoints.map((e) => {
      const ingress = String(e.ingress_url ?? '');
      const provisioned = /^[A-Za-z0-9.-]+(:\d+)?$/.test(ingress);
      return { name: String(e.name), public: String(e.is_public).toLowerCase() === 'true', ingress, ...(provisioned ? { url: endpointUrl(ingress) } : {}) };
    }),
  };
}

/** The deployed service is suspended: papi get and papi bench do not call it (exit 4). */
export class ServiceSuspendedError extends PapiError {
  override readonly exitCode = ExitCode.remote;
}

/**
 * Before papi get or papi bench calls the deployed endpoint: a suspended service is said so, with
 * what to do. Asked first rather than learned from the call, because a call to a suspended service's
 * endpoint resumes it (AUTO_RESUME, https://docs.snowflake.com/en/sql-reference/sql/alter-service):
 * it would quietly start again what was suspended to stop paying for it.
 */
export async function ensureNotSuspended(conn: StatementRunner, config: PapiConfig, debug?: (m: string) => void): Promise<void> {
  const report = await serviceStatus(conn, config, debug);
  if (report.exists && String(report.status).toUpperCase() === 'SUSPENDED')
    throw new ServiceSuspendedError(`service ${report.service} is suspended`, {
      code: 'SERVICE_SUSPENDED',
      hint: 'Resume it with `papi resume` (it waits until the service answers again), then run this again.',
    });
}

/** Setup comes before deploy (after a teardown there is nothing to deploy into). */
export const NOT_DEPLOYED_HINT = 'Create it with: papi setup && papi deploy (or both at once: papi up)';

export function formatStatus(report: ServiceStatusReport): string {
  if (!report.exists) return `Service ${report.service} does not exist. ${NOT_DEPLOYED_HINT}`;
  const lines = [`Service ${report.service}: ${report.status}${report.upgrading ? ' (upgrading)' : ''}`];
  const suspended = String(report.status).toUpperCase() === 'SUSPENDED';
  if (suspended) lines.push('  suspended: no container runs (resume with: papi resume)');
  for (const c of report.containers)
    if (!c.container) {
      if (!suspended) lines.push(`  no instance running yet: ${c.status}`);
    } else
      lines.push(
      `  container ${c.container} (instance ${c.instanceId}): ${c.status}${c.message ? ` — ${c.message}` : ''}${c.restarts ? `, ${c.restarts} restarts, last exit ${c.lastExitCode}` : ''}`,
      `    image ${c.image}${c.imageDigest ? ` (${c.imageDigest.slice(0, 19)}…)` : ''}`,
    );
  for (const e of report.endpoints) lines.push(`  endpoint ${e.name}: ${e.url ?? e.ingress}`);
  return lines.join('\n');
}

/** Every container's last `lines` log lines, headed by the container's name when there are several. */
export async function serviceLogs(conn: StatementRunner, config: PapiConfig, report: ServiceStatusReport, lines: number): Promise<string> {
  const parts: string[] = [];
  for (const c of report.containers) {
    if (!c.container) continue;
    const [row] = await runStatement(conn, logsStatement(config, c.instanceId, c.container, lines));
    const text = String(row?.LOGS ?? '').replace(/\n+$/, '');
    parts.push(report.containers.length > 1 ? `==> ${c.container} (instance ${c.instanceId}) <==\n${text}` : text);
  }
  return parts.join('\n');
}
