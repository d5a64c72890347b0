// papi up: setup, deploy, then GET /customer/22 through the ingress — the command functions composed
// with their typed options, each one's progress shown as it runs.
import { get } from '../api/get.js';
import { exampleUserId, type IdFormat } from '../config/id-format.js';
import type { ApiResponse } from '../api/client.js';
import { withOwnConnection, type TargetContext } from '../context.js';
import { deploy, type DeployOptions } from '../deploy/index.js';
import type { DeployResult } from '../deploy/rollout.js';
import { setup, type SetupResult } from '../setup/index.js';

export interface UpOptions {
  deploy: DeployOptions;
}

export interface UpResult {
  target: 'local' | 'snowflake';
  url?: string;
  setup: SetupResult;
  deploy: DeployResult;
  customer22: ApiResponse;
  /** The id customer22 answers: 22, or user-22 with alphanumeric ids. */
  exampleId: string;
  idFormat: IdFormat;
  ms: number;
}

export async function up(ctx: TargetContext, options: UpOptions): Promise<UpResult> {
  const started = performance.now();
  const config = await ctx.config();
  ctx.out.info(config.target === 'local' ? 'papi up on papi local (no account needed)' : 'papi up on your Snowflake account');
  // Each step in a session of its own, as when run one by one (deploy leaves the session in the API role).
  const setupResult = await withOwnConnection(ctx, (c) => setup(c, {}));
  const deployResult = await withOwnConnection(ctx, (c) => deploy(c, options.deploy));
  // `get` fetches (and caches) the token itself, registering the key pair on first use.
  // The tutorial's user 22, as the sample writes it in the configured id format (user-22 for alphanumeric ids).
  const example = exampleUserId(config.service.idFormat);
  const customer22 = await ctx.out.task(
    `GET /customer/${example} through the ingress`,
    () => withOwnConnection(ctx, (c) => get(c, { ids: example })),
    (r) => `HTTP ${r.status}, ${r.ms.toFixed(0)} ms`,
  );
  return { target: config.target, url: deployResult.url, setup: setupResult, deploy: deployResult, customer22, exampleId: example, idFormat: config.service.idFormat, ms: performance.now() - started };
}
