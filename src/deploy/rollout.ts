// papi deploy: the service bundle as an image in the account's image repository (a new tag per
// deploy), CREATE SERVICE or, when it exists, ALTER SERVICE … FROM SPECIFICATION, then wait until the
// containers are READY and the public endpoint has a host. On a failed container the last log lines
// come with the error.
import { dirname } from 'node:path';
import type { PapiConfig } from '../config/types.js';
import { serviceBundlePath } from '../dev/service-process.js';
import { poll } from '../poll.js';
import { ensureProjectDir } from '../project.js';
import type { Connection } from '../snowflake/driver.js';
import { outcomeOf } from '../snowflake/outcome.js';
import { runStatement, type Row } from '../snowflake/runner.js';
import { isMissingObject } from '../setup/fingerprints.js';
import { platformOf } from '../snowflake/platform.js';
import type { Target } from '../snowflake/target.js';
import { PapiError, SnowflakeError } from '../ui/errors.js';
import type { Output } from '../ui/output.js';
import { endpointUrl, writeDeployment, type Deployment } from './deployment.js';
import { assessRollout } from './readiness.js';
import { CONTAINER_NAME, ENDPOINT_NAME, IMAGE_NAME, serviceSpec } from './service-spec.js';
import { alterServiceStatements, createServiceStatements, logsStatement, showStatement, suspendStatement } from './statements.js';

export const DEFAULT_BASE_IMAGE = 'node:24-bookworm-slim';

export interface DeployOptions {
  config: PapiConfig;
  target: Target;
  conn: Connection;
  out: Output;
  /** Base image for Snowflake (papi local runs the bundle with the host's node, no base). */
  baseImage: string;
  cacheDir: string;
  builder: 'oci' | 'docker';
  wait: boolean;
  waitTimeoutSeconds: number;
  signal?: AbortSignal;
  /** How often to poll SHOW SERVICE CONTAINERS / SHOW ENDPOINTS. */
  pollMs?: number;
}

export interface DeployResult {
  action: 'created' | 'upgraded';
  image: { reference: string; digest: string; uploaded: number };
  url?: string;
  deployment?: Deployment;
}

export class ServiceFailedError extends PapiError {
  override readonly exitCode = 4;
}

export async function deployService(options: DeployOptions): Promise<DeployResult> {
  const { config, target, conn, out } = options;
  const debug = (m: string) => out.debug(m);
  const image = await import('../image/index.js');

  const repositoryUrl = await out.task('Find the image repository', async () => {
    const hint = 'Run `papi setup` first (it creates the repository), and check that the connection role can read it.';
    const where = `${config.snowflake.api.database}.${config.snowflake.api.schema}`;
    let rows: Row[];
    try {
      rows = await runStatement(conn, showStatement(config, 'image-repositories'), debug);
    } catch (error) {
      if (!isMissingObject(error) || !(error instanceof SnowflakeError)) throw error;
      throw new SnowflakeError(error.message, error.snowflakeCode, error.sqlState, { hint, cause: error, statement: error.statement });
    }
    const row = rows.find((r) => String(r.name).toUpperCase() === config.snowflake.imageRepository.toUpperCase());
    if (!row) throw new SnowflakeError(`image repository ${config.snowflake.imageRepository} not found in ${where}`, '002003', '42S02', { hint });
    return String(row.repository_url);
  }, (url) => url);

  const slash = repositoryUrl.indexOf('/');
  const registry = repositoryUrl.slice(0, slash);
  const repository = `${repositoryUrl.slice(slash + 1)}/${IMAGE_NAME}`.toLowerCase();
  const tag = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-').toLowerCase();
  // The registry and the ingress speak the account URL's scheme (http only for papi local).
  const protocol = new URL(target.accountUrl).protocol === 'http:' ? 'http' : 'https';
  // papi local runs the bundle with the host's node: no linux/amd64 base image to fetch, also when
  // reached by URL through a connection (it says what it is; see src/snowflake/platform.ts).
  const papiLocal = target.kind === 'local' || (await platformOf(conn)).papiLocal;
  if (papiLocal && target.kind !== 'local') debug('the connection reaches papi local: the image needs no base');
  const session = image.sessionTokenFromConnection(conn);
  const credentials = image.sessionTokenCredentials(session);
  const reference = `${registry}/${repository}:${tag}`;
  const pushed = await out.task(
    `Build and push ${IMAGE_NAME}:${tag}${options.builder === 'docker' ? ' with docker' : ''}`,
    async () => {
      if (options.builder === 'docker') {
        await image.dockerPreflight({ signal: options.signal });
        await image.dockerBuild({ contextDir: dirname(serviceBundlePath()), image: reference, baseImage: options.baseImage, signal: options.signal });
        await image.dockerLogin(registry, credentials, { signal: options.signal });
        try {
          const digest = await image.dockerPush(reference, { signal: options.signal });
          return { digest, specImage: `/${repository}:${tag}`, blobs: {} };
        } finally {
          await image.dockerLogout(registry).catch(() => undefined);
        }
      }
      return image.buildAndPushImage({
        bundleDir: dirname(serviceBundlePath()),
        ...(papiLocal ? {} : { base: { reference: options.baseImage, cacheDir: options.cacheDir } }),
        target: { registry, repository, tag, credentials, protocol },
        exposedPorts: [config.service.port],
      });
    },
    (p) => `${p.digest.slice(0, 19)}…, ${Object.values(p.blobs).filter((b) => b === 'uploaded').length} blobs uploaded`,
  );

  const spec = serviceSpec(config, pushed.specImage);
  const action = await out.task('Create or upgrade the service', async () => {
    let outcome = 'created';
    for (const statement of createServiceStatements(config, spec)) outcome = outcomeOf(await runStatement(conn, statement, debug));
    if (outcome !== 'unchanged') return 'created' as const;
    for (const statement of alterServiceStatements(config, spec)) await runStatement(conn, statement, debug);
    // A deploy is meant to serve: a service left suspended (papi suspend) would never become READY.
    const services = await runStatement(conn, showStatement(config, 'services'), debug);
    const row = services.find((s) => String(s.name).toUpperCase() === config.snowflake.service.name.toUpperCase());
    if (String(row?.status).toUpperCase() === 'SUSPENDED') {
      out.info(`Service ${config.snowflake.service.name} was suspended: resuming it on the new image.`);
      await runStatement(conn, suspendStatement(config, 'service', 'resume'), debug);
    }
    return 'upgraded' as const;
  }, (a) => a);

  const result: DeployResult = {
    action,
    image: { reference, digest: pushed.digest, uploaded: Object.values(pushed.blobs).filter((b) => b === 'uploaded').length },
  };
  if (!options.wait) return result;

  const deadline = Date.now() + options.waitTimeoutSeconds * 1000;
  const poll = options.pollMs ?? waitPollMs(target.kind);
  await out.task(action === 'upgraded' ? 'Wait for the upgrade to finish' : 'Wait for the service to be ready', (step) => waitForReady(options, pushed.specImage, deadline, poll, step.update.bind(step)));
  const host = await out.task('Wait for the public endpoint', (step) => waitForEndpoint(options, deadline, poll, step.update.bind(step)), (h) => h);

  const o = config.snowflake;
  const deployment: Deployment = {
    version: 1,
    target: target.kind,
    accountUrl: target.accountUrl,
    account: target.account,
    service: `${o.api.database}.${o.api.schema}.${o.service.name}`,
    endpointHost: host,
    url: endpointUrl(host, protocol),
    image: { reference: result.image.reference, digest: pushed.digest },
    deployedAt: new Date().toISOString(),
  };
  await writeDeployment((await ensureProjectDir(config)).deployment, deployment);
  return { ...result, url: deployment.url, deployment };
}

/** How often a deploy or resume asks how the service is: papi local answers SHOW in milliseconds and starts a service in about a second. */
export function waitPollMs(target: 'local' | 'snowflake'): number {
  return target === 'local' ? 50 : 5000;
}

/** What waiting for the service needs (deploy, and papi resume). */
export type WaitOptions = Pick<DeployOptions, 'config' | 'conn' | 'out' | 'signal'>;

/**
 * Until every container is READY (on `specImage`, when given: a deploy waits for its new image; a
 * resume for whatever image the service runs). Throws with the last log lines when one fails.
 */
export async function waitForReady(options: WaitOptions, specImage: string | undefined, deadline: number, pollMs: number, update: (text: string) => void): Promise<void> {
  const { config, conn, out } = options;
  const debug = (m: string) => out.debug(m);
  let last: Row[] = [];
  const ready = await poll(
    async () => {
      const services = await runStatement(conn, showStatement(config, 'services'), debug);
      const service = services.find((s) => String(s.name).toUpperCase() === config.snowflake.service.name.toUpperCase());
      const containers = (last = await runStatement(conn, showStatement(config, 'containers'), debug));
      const state = assessRollout(service, containers, specImage);
      if (state.failed) throw await failure(options, state.failed, `the service's container failed: ${String(state.failed.message ?? '')}`);
      if (state.done) return true;
      update(state.progress);
      return undefined;
    },
    { intervalMs: pollMs, timeoutMs: deadline - Date.now(), signal: options.signal },
  );
  if (!ready)
    throw await failure(options, last.find((c) => c.instance_id !== null && c.instance_id !== undefined), 'the service is not ready yet (--wait-timeout reached)', 'It may still come up: check with `papi status`, or wait longer with --wait-timeout.');
}

/** Until SHOW ENDPOINTS gives the public endpoint's host (not the "provisioning" text); returns it. */
export async function waitForEndpoint(options: WaitOptions, deadline: number, pollMs: number, update: (text: string) => void): Promise<string> {
  const { config, conn, out } = options;
  const host = await poll(
    async () => {
      const endpoints = await runStatement(conn, showStatement(config, 'endpoints'), (m) => out.debug(m));
      const endpoint = endpoints.find((e) => String(e.name).toLowerCase() === ENDPOINT_NAME);
      const url = String(endpoint?.ingress_url ?? '');
      // Until provisioned, ingress_url holds a sentence ("Endpoints provisioning in progress...").
      if (/^[A-Za-z0-9.-]+(:\d+)?$/.test(url)) return url;
      update(url || 'no endpoint yet');
      return undefined;
    },
    { intervalMs: pollMs, timeoutMs: deadline - Date.now(), signal: options.signal },
  );
  if (host === undefined)
    throw new ServiceFailedError('the public endpoint is not provisioned yet (--wait-timeout reached)', {
      code: 'ENDPOINT_PENDING',
      hint: 'On Snowflake this can take several minutes after the first deploy: run `papi status` later.',
    });
  return host;
}

async function failure(options: WaitOptions, container: Row | undefined, message: string, hint?: string): Promise<ServiceFailedError> {
  let logs = '';
  if (container) {
    try {
      const statement = logsStatement(options.config, String(container.instance_id ?? '0'), String(container.container_name ?? CONTAINER_NAME), 20);
      const [row] = await runStatement(options.conn, statement);
      logs = String(row?.LOGS ?? '').trim();
    } catch (error) {
      options.out.debug(`could not read the logs: ${(error as Error).message}`);
    }
  }
  return new ServiceFailedError(message, {
    code: 'SERVICE_FAILED',
    hint: [hint, logs ? `Last log lines:\n${logs}` : 'See `papi logs`.'].filter(Boolean).join('\n'),
  });
}
