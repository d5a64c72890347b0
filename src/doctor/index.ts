// papi doctor: is this machine, this configuration and this account ready for papi? Read-only on any
// target: the versions papi depends on, the configuration, the login, the role's privileges for
// everything `papi setup` creates, hybrid tables and Snowpark Container Services, and the image
// registry login. Each check says what it found and, when it fails, what to do.
import type { Context } from '../context.js';
import type { Connection } from '../snowflake/driver.js';
import { ExitCode, PapiError } from '../ui/errors.js';
import type { Check, DoctorReport } from './types.js';
import { versionChecks } from './versions.js';

export type { Check, CheckStatus, DoctorReport } from './types.js';

export async function doctor(ctx: Context): Promise<DoctorReport> {
  const checks: Check[] = versionChecks();
  const finish = (report: Omit<DoctorReport, 'checks' | 'ok'>): DoctorReport => ({ ...report, checks, ok: checks.every((c) => c.status !== 'fail') });

  let config;
  try {
    config = await ctx.config();
  } catch (error) {
    if (!(error instanceof PapiError)) throw error;
    checks.push({ id: 'config', title: 'Configuration', status: 'fail', detail: error.message, ...(error.hint ? { fix: error.hint } : {}) });
    return finish({});
  }
  const from = config.target === 'snowflake' ? `connection ${config.connectionName ?? 'default'}` : `papi local in ${config.local.dataDir}`;
  checks.push({ id: 'config', title: 'Configuration', status: 'ok', detail: `${config.configPath ?? 'no papi.yaml (defaults)'}; target ${config.target} (${from})` });

  // Read-only: papi doctor never starts papi local (the commands that need it do).
  if (config.target === 'local') {
    const { runningInstance } = await import('../local/index.js');
    if (!(await runningInstance(config.local.dataDir))) {
      checks.push({
        id: 'connection',
        title: 'Connection',
        status: 'warn',
        detail: `papi local is not running for ${config.local.dataDir}; nothing else could be checked`,
        fix: 'Start it with `papi local start --detach` and run papi doctor again (papi setup and papi up start it by themselves).',
      });
      return finish({ target: 'local' });
    }
  }

  const { resolveTarget, openConnection } = await import('../snowflake/target.js');
  let conn: Connection;
  let target;
  try {
    target = await resolveTarget(config, ctx);
    conn = await openConnection(target, ctx.out, ctx.signal);
  } catch (error) {
    if (!(error instanceof PapiError)) throw error;
    checks.push({ id: 'connection', title: 'Connection', status: 'fail', detail: error.message, ...(error.hint ? { fix: error.hint } : {}) });
    return finish({ target: config.target });
  }

  try {
    const [who] = await conn.execute<{ U: string; R: string | null }>('SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R');
    const role = who?.R ?? undefined;
    checks.push({ id: 'connection', title: 'Connection', status: 'ok', detail: `${who?.U} as ${role ?? 'no role'} at ${target.accountUrl} (${target.description})` });

    const { platformOf } = await import('../snowflake/platform.js');
    const features = await import('./features.js');
    const platform = await platformOf(conn);
    checks.push(features.regionCheck(platform));

    const { privilegeChecks, roleGrants } = await import('./privileges.js');
    if (!role) checks.push({ id: 'privileges', title: 'Privileges', status: 'fail', detail: 'the session has no role', fix: 'Set role in the connection (or a DEFAULT_ROLE on the user).' });
    else checks.push(...privilegeChecks(config, role, await roleGrants(conn, role)));

    checks.push(await features.hybridTablesCheck(conn, config, platform));
    const spcs = await features.containerServicesCheck(conn);
    checks.push(spcs);
    checks.push(await features.registryCheck(conn, config, target.accountUrl, spcs));
  } finally {
    await conn.close();
  }
  return finish({ target: target.kind, description: target.description });
}

/** The exit code for a report: 0, else by the first failing check (README, "Exit codes"). */
export function exitCodeOf(report: DoctorReport): ExitCode {
  const failed = report.checks.find((c) => c.status === 'fail');
  if (!failed) return ExitCode.ok;
  if (failed.id === 'config' || failed.id.startsWith('version.')) return ExitCode.usage;
  if (failed.id === 'connection') return ExitCode.auth;
  return ExitCode.remote;
}

/** Thrown after the report is printed when a check failed: the exit code says which kind. */
export class DoctorFailedError extends PapiError {
  constructor(
    message: string,
    override readonly exitCode: ExitCode,
  ) {
    super(message, { code: 'DOCTOR_FAILED', hint: 'Each failed check above says what to do.' });
  }
}
