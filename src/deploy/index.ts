// papi deploy, status and logs: the service in Snowpark Container Services. rollout.ts builds, pushes
// and creates or upgrades the service; service-status.ts reads what SHOW and the logs say.
import { join } from 'node:path';
import type { ConnectedContext, Context } from '../context.js';
import { pause } from '../poll.js';
import type { PlannedStatement } from '../snowflake/plan.js';
import { UsageError } from '../ui/errors.js';
import { DEFAULT_BASE_IMAGE, type DeployResult } from './rollout.js';
import { imagePath, serviceSpec, type ServiceSpec } from './service-spec.js';
import type { ServiceStatusReport } from './service-status.js';
import { alterServiceStatements, createServiceStatements } from './statements.js';

export { DEFAULT_BASE_IMAGE };

export interface DeployOptions {
  builder: 'oci' | 'docker';
  /** Wait for READY and the endpoint (false: return once the service is created). */
  wait: boolean;
  waitTimeoutSeconds: number;
  /** Base image on Snowflake (default node:24-bookworm-slim). */
  baseImage?: string;
}

export interface DeployPlan {
  target: 'local' | 'snowflake';
  spec: ServiceSpec;
  statements: PlannedStatement[];
}

/** The service spec and SQL, without connecting (what --dry-run prints). */
export async function planDeploy(ctx: Context): Promise<DeployPlan> {
  const config = await ctx.config();
  const spec = serviceSpec(config, imagePath(config, '<tag>'));
  return { target: config.target, spec, statements: [...createServiceStatements(config, spec), ...alterServiceStatements(config, spec)] };
}

export async function deploy(ctx: ConnectedContext, options: DeployOptions): Promise<DeployResult & { target: 'local' | 'snowflake' }> {
  const config = await ctx.config();
  const { deployService } = await import('./rollout.js');
  const { cacheDirFromEnv } = await import('../data/index.js');
  const target = await ctx.target();
  const result = await deployService({
    config,
    target,
    conn: await ctx.connection(),
    out: ctx.out,
    builder: options.builder,
    baseImage: options.baseImage ?? DEFAULT_BASE_IMAGE,
    cacheDir: join(cacheDirFromEnv(ctx.env), 'images'),
    wait: options.wait,
    waitTimeoutSeconds: options.waitTimeoutSeconds,
    signal: ctx.signal,
  });
  return { target: target.kind, ...result };
}

export async function status(ctx: ConnectedContext): Promise<ServiceStatusReport & { target: 'local' | 'snowflake' }> {
  const { serviceStatus } = await import('./service-status.js');
  const report = await serviceStatus(await ctx.connection(), await ctx.config(), (m) => ctx.out.debug(m));
  return { target: (await ctx.target()).kind, ...report };
}

export interface LogsOptions {
  /** How many of the last lines. */
  lines: number;
}

/** The service's last log lines (every container's). */
export async function logs(ctx: ConnectedContext, options: LogsOptions): Promise<{ service: string; logs: string }> {
  const { service, read } = await logReader(ctx, options);
  return { service, logs: await read() };
}

export const FOLLOW_INTERVAL_MS = 2000;

/** The last lines, then only what is new, every FOLLOW_INTERVAL_MS until Ctrl-C (polls like the Snowflake CLI). */
export async function* followLogs(ctx: ConnectedContext, options: LogsOptions): AsyncGenerator<string> {
  const { read } = await logReader(ctx, options);
  let shown = await read();
  if (shown) yield shown;
  while (!ctx.signal.aborted) {
    // Ctrl-C ends the wait at once (a 2 s sleep used to hold it back).
    if (!(await pause(FOLLOW_INTERVAL_MS, ctx.signal).then(() => true, () => false))) break;
    const next = await read();
    const fresh = newLines(shown, next);
    if (fresh) yield fresh;
    shown = next;
  }
  // Following ends only by Ctrl-C: that is an interruption (exit 130, as the README says), not success.
  ctx.signal.throwIfAborted();
}

async function logReader(ctx: ConnectedContext, options: LogsOptions): Promise<{ service: string; read(): Promise<string> }> {
  const config = await ctx.config();
  const { serviceStatus, serviceLogs, NOT_DEPLOYED_HINT } = await import('./service-status.js');
  const conn = await ctx.connection();
  const report = await serviceStatus(conn, config);
  if (!report.exists) throw new UsageError(`Service ${report.service} does not exist.`, { hint: NOT_DEPLOYED_HINT });
  let first: ServiceStatusReport | undefined = report;
  // Containers come and go (restarts, upgrades): each read after the first asks again which there are.
  const read = async () => {
    const current = first ?? (await serviceStatus(conn, config));
    first = undefined;
    return serviceLogs(conn, config, current, options.lines);
  };
  return { service: report.service, read };
}

/** The lines of `next` after the last line `previous` ended with (all of `next` when they do not overlap). */
export function newLines(previous: string, next: string): string {
  if (!previous) return next;
  const before = previous.split('\n');
  const after = next.split('\n');
  for (let overlap = Math.min(before.length, after.length); overlap > 0; overlap--)
    if (before.slice(-overlap).join('\n') === after.slice(0, overlap).join('\n')) return after.slice(overlap).join('\n');
  return next;
}

/** papi suspend: ALTER SERVICE … SUSPEND (and with --pool ALTER COMPUTE POOL … SUSPEND), when not so already. */
export async function suspend(ctx: ConnectedContext, options: import('./suspend.js').SuspendOptions): Promise<import('./suspend.js').SuspendResult> {
  return (await import('./suspend.js')).suspend(ctx, options);
}

/** papi resume: the pool (--pool), then ALTER SERVICE … RESUME when suspended, then deploy's waits. */
export async function resume(ctx: ConnectedContext, options: import('./suspend.js').ResumeOptions): Promise<import('./suspend.js').ResumeResult> {
  return (await import('./suspend.js')).resume(ctx, options);
}
