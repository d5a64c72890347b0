// Where commands connect: the configured Snowflake account, or papi local — started in the background
// for the project when none runs yet, so `papi setup` works on a fresh machine with nothing configured.
// Above this module nothing knows which of the two it talks to.
import { accountUrlOf } from '../config/account-url.js';
import { requireConnection } from '../config/connection-check.js';
import type { ConnectionParams, PapiConfig } from '../config/types.js';
import { readPassword, runningInstance } from '../local/index.js';
import { ensureProjectDirFor } from '../project.js';
import { AuthError } from '../ui/errors.js';
import type { Output } from '../ui/output.js';
import type { Connection } from './driver.js';

export interface Target {
  kind: 'local' | 'snowflake';
  /** Connection parameters for the driver (papi's admin connection). */
  params: ConnectionParams;
  account: string;
  /** The account URL: SQL API, /oauth/token. */
  accountUrl: string;
  /** For people: "papi local (http://127.0.0.1:…)" or the account. */
  description: string;
}

export async function resolveTarget(config: PapiConfig, out: Output, env: Record<string, string | undefined>): Promise<Target> {
  if (config.target === 'snowflake') {
    requireConnection(config);
    const params = config.connection;
    const account = params.account!;
    // Built from host/account, region, protocol and port: /oauth/token, the registry and the ingress follow it.
    const accountUrl = params.accessUrl ?? accountUrlOf(params)!;
    return { kind: 'snowflake', params, account, accountUrl, description: `Snowflake account ${account}` };
  }
  const dataDir = config.local.dataDir;
  let running = await runningInstance(dataDir);
  if (!running) {
    const { startInBackground } = await import('../launcher/index.js');
    await ensureProjectDirFor(config, dataDir);
    // Say where: a command run in a subfolder or beside another papi.yaml must not surprise anyone.
    await out.task(`Start papi local in the background for the project in ${config.projectDir}`, () => startInBackground(dataDir, config.local.port, env), () => `(data: ${dataDir})`);
    running = await runningInstance(dataDir);
    if (!running) throw new AuthError(`papi local did not start for ${dataDir}`, { hint: 'Run `papi local start` to see why.' });
    out.info(`papi local keeps running for the next commands (data: ${dataDir}); stop it with \`papi local stop\`.`);
  }
  const password = await readPassword(dataDir);
  if (!password) throw new AuthError(`papi local's admin password is missing from ${dataDir}`, { hint: 'Restart it: papi local stop && papi local start --detach' });
  return {
    kind: 'local',
    params: { account: running.account, accessUrl: running.accessUrl, user: running.user, password, authenticator: 'SNOWFLAKE', role: 'ACCOUNTADMIN' },
    account: running.account,
    accountUrl: running.accessUrl,
    description: `papi local (${running.accessUrl})`,
  };
}

/** `signal` (Ctrl-C) cancels the running statement and refuses new ones (see driver.ts). */
export async function openConnection(target: Target, out: Output, signal?: AbortSignal): Promise<Connection> {
  const { connect } = await import('./driver.js');
  out.debug(`connecting to ${target.description}`);
  return connect(target.params, { log: { debug: (message) => out.debug(message) }, ...(signal ? { signal } : {}) });
}
