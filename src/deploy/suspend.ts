// papi suspend and papi resume: the tutorial's last step (ALTER SERVICE … SUSPEND, to stop paying for
// the API) and its way back. Both ask first what state things are in, so running either twice is
// harmless and says so. Resume waits the way deploy does: containers READY, then the endpoint's URL.
import type { PapiConfig } from '../config/types.js';
import type { ConnectedContext } from '../context.js';
import { readDeployment, writeDeployment, endpointUrl } from './deployment.js';
import { projectPaths } from '../project.js';
import { runStatement } from '../snowflake/runner.js';
import type { Connection } from '../snowflake/driver.js';
import { UsageError } from '../ui/errors.js';
import type { Output } from '../ui/output.js';
import { NOT_DEPLOYED_HINT, serviceStatus } from './service-status.js';
import { showStatement, suspendStatement } from './statements.js';

export interface SuspendOptions {
  /** Also suspend the compute pool (after the service). */
  pool: boolean;
}

export interface ResumeOptions {
  /** Resume the compute pool first. */
  pool: boolean;
  /** Wait for READY and the endpoint (false: return once RESUME ran). */
  wait: boolean;
  waitTimeoutSeconds: number;
  /** How often to poll (default: 250 ms on papi local, 5 s on Snowflake, as deploy). */
  pollMs?: number;
}

/** What happened to one object: it changed, or it already was in the state asked for. */
export type SuspendOutcome = 'suspended' | 'already-suspended';
export type ResumeOutcome = 'resumed' | 'already-running';

export interface SuspendResult {
  target: 'local' | 'snowflake';
  service: { name: string; outcome: SuspendOutcome };
  pool?: { name: string; outcome: SuspendOutcome };
}

export interface ResumeResult {
  target: 'local' | 'snowflake';
  pool?: { name: string; outcome: ResumeOutcome };
  service: { name: string; outcome: ResumeOutcome };
  /** The endpoint's URL once it answers (absent with --no-wait). */
  url?: string;
}

export async function suspend(ctx: ConnectedContext, options: SuspendOptions): Promise<SuspendResult> {
  const config = await ctx.config();
  const target = (await ctx.target()).kind;
  const conn = await ctx.connection();
  const { out } = ctx;
  const debug = (m: string) => out.debug(m);
  const { service, status } = await existingServiceStatus(conn, config, out);
  // SUSPENDING: a suspend is already under way (SPCS's transitional status).
  const outcome: SuspendOutcome = status === 'SUSPENDED' || status === 'SUSPENDING' ? 'already-suspended' : 'suspended';
  if (outcome === 'suspended') await out.task(`Suspend service ${service}`, () => runStatement(conn, suspendStatement(config, 'service', 'suspend'), debug));
  const name = { name: service, outcome };
  if (!options.pool) return { target, service: name };
  const poolName = config.snowflake.computePool.name;
  const state = await poolState(conn, config, debug);
  if (state === 'SUSPENDED') return { target, service: name, pool: { name: poolName, outcome: 'already-suspended' } };
  await out.task(`Suspend compute pool ${poolName}`, () => runStatement(conn, suspendStatement(config, 'pool', 'suspend'), debug));
  return { target, service: name, pool: { name: poolName, outcome: 'suspended' } };
}

export async function resume(ctx: ConnectedContext, options: ResumeOptions): Promise<ResumeResult> {
  const config = await ctx.config();
  const target = (await ctx.target()).kind;
  const conn = await ctx.connection();
  const { out } = ctx;
  const debug = (m: string) => out.debug(m);
  let pool: ResumeResult['pool'];
  if (options.pool) {
    const poolName = config.snowflake.computePool.name;
    const state = await poolState(conn, config, debug);
    if (state === 'SUSPENDED') {
      await out.task(`Resume compute pool ${poolName}`, () => runStatement(conn, suspendStatement(config, 'pool', 'resume'), debug));
      pool = { name: poolName, outcome: 'resumed' };
    } else pool = { name: poolName, outcome: 'already-running' };
  }
  const { service, status } = await existingServiceStatus(conn, config, out);
  const outcome: ResumeOutcome = status === 'SUSPENDED' ? 'resumed' : 'already-running';
  if (outcome === 'resumed') await out.task(`Resume service ${service}`, () => runStatement(conn, suspendStatement(config, 'service', 'resume'), debug));
  const result: ResumeResult = { target, ...(pool ? { pool } : {}), service: { name: service, outcome } };
  if (!options.wait) return result;

  // The same waits as papi deploy: every container READY (on any image: a resume runs the one it ran), then the endpoint.
  const { waitForEndpoint, waitForReady, waitPollMs } = await import('./rollout.js');
  const deadline = Date.now() + options.waitTimeoutSeconds * 1000;
  const pollMs = options.pollMs ?? waitPollMs(target);
  const wait = { config, conn, out, signal: ctx.signal };
  await out.task('Wait for the service to be ready', (step) => waitForReady(wait, undefined, deadline, pollMs, step.update.bind(step)));
  const host = await out.task('Wait for the public endpoint', (step) => waitForEndpoint(wait, deadline, pollMs, step.update.bind(step)), (h) => h);
  return { ...result, url: await rememberEndpoint(config, host) };
}

async function existingServiceStatus(conn: Connection, config: PapiConfig, out: Output): Promise<{ service: string; status: string }> {
  const report = await serviceStatus(conn, config, (m) => out.debug(m));
  if (!report.exists) throw new UsageError(`Service ${report.service} does not exist.`, { code: 'NOT_DEPLOYED', hint: NOT_DEPLOYED_HINT });
  return { service: report.service, status: String(report.status ?? '').toUpperCase() };
}

/** SHOW COMPUTE POOLS `state` of papi's pool (IDLE, ACTIVE, SUSPENDED, …). */
async function poolState(conn: Connection, config: PapiConfig, debug: (m: string) => void): Promise<string> {
  const name = config.snowflake.computePool.name;
  const rows = await runStatement(conn, showStatement(config, 'compute-pools'), debug);
  const row = rows.find((r) => String(r.name).toUpperCase() === name.toUpperCase());
  if (!row) throw new UsageError(`Compute pool ${name} does not exist (or this role cannot see it).`, { code: 'NOT_SET_UP', hint: 'Run `papi setup` first (it creates the pool).' });
  return String(row.state ?? '').toUpperCase();
}

/**
 * The endpoint keeps its URL across a suspend and resume; should it come back elsewhere, the
 * project's deployment record follows it so papi get and papi bench call the right place.
 */
async function rememberEndpoint(config: PapiConfig, host: string): Promise<string> {
  const file = projectPaths(config).deployment;
  const deployment = await readDeployment(file).catch(() => undefined);
  if (!deployment) return endpointUrl(host);
  if (deployment.endpointHost === host) return deployment.url;
  const protocol = new URL(deployment.url).protocol === 'http:' ? 'http' : 'https';
  const url = endpointUrl(host, protocol);
  await writeDeployment(file, { ...deployment, endpointHost: host, url });
  return url;
}
