// A token for the deployed endpoint, as the service user: its RSA key pair (created on first use under
// .papi/keys/, registered on the user), a key-pair JWT exchanged at /oauth/token, cached until shortly
// before it expires. A Programmatic Access Token in the environment is used as it is instead.
import type { EnsureKeyPairResult, ResolvedIngressToken } from '../auth/index.js';
import type { PapiConfig } from '../config/types.js';
import { projectPaths } from '../project.js';
import { runStatement } from '../snowflake/runner.js';
import type { Target } from '../snowflake/target.js';
import { readDeployment, type Deployment } from '../spcs/deployment.js';
import { registerKeyStatement } from '../spcs/statements.js';
import { UsageError } from '../ui/errors.js';
import type { Output } from '../ui/output.js';

export interface EndpointToken extends ResolvedIngressToken {
  deployment: Deployment;
  /** True when this call registered a public key on the service user. */
  registered: boolean;
}

export interface EndpointTokenOptions {
  config: PapiConfig;
  out: Output;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  refresh?: boolean;
  rotate?: boolean;
  /** Resolves the admin connection's target, only when a key must be registered. */
  target(): Promise<Target>;
}

export async function deployedEndpoint(config: PapiConfig): Promise<Deployment> {
  const deployment = await readDeployment(projectPaths(config).deployment);
  if (!deployment)
    throw new UsageError('No deployed service is known for this project.', {
      code: 'NOT_DEPLOYED',
      hint: 'Run `papi deploy` (or `papi up`) first, or pass --url to call a service directly.',
    });
  return deployment;
}

export async function endpointToken(options: EndpointTokenOptions): Promise<EndpointToken> {
  const { config, out } = options;
  const auth = await import('../auth/index.js');
  const deployment = await deployedEndpoint(config);
  const paths = projectPaths(config);
  const user = config.snowflake.service.user;
  const log = { debug: (m: string) => out.debug(m), warn: (m: string) => out.warn(m) };
  const passphrase = options.env.PRIVATE_KEY_PASSPHRASE;

  let keys: EnsureKeyPairResult | undefined;
  let registered = false;
  const register = async (pair: EnsureKeyPairResult) => {
    const { openConnection } = await import('../snowflake/target.js');
    const conn = await openConnection(await options.target(), out);
    try {
      await out.task(`Register the public key on ${user}`, () =>
        runStatement(conn, registerKeyStatement(config, pair.current.slot, auth.publicKeyBody(pair.current.privateKey)), (m) => out.debug(m)),
      );
      registered = true;
    } finally {
      await conn.close();
    }
  };
  const signingKey = async () => {
    keys ??= await auth.ensureKeyPair(paths.keys, user, { rotate: options.rotate, passphrase, log });
    if (keys.created) await register(keys);
    return keys.current.privateKey;
  };
  // papi local may have restarted on another port since the deploy: ask it where it is now.
  const accountUrl = deployment.target === 'local' ? (await options.target()).accountUrl : deployment.accountUrl;
  const obtain = (refresh: boolean) =>
    auth.getIngressToken({
      env: options.env,
      accountUrl,
      account: deployment.account,
      user,
      role: config.snowflake.apiRole,
      endpointHost: deployment.endpointHost,
      privateKey: signingKey,
      cache: new auth.TokenCache({ dir: paths.state, log }),
      refresh,
      signal: options.signal,
      log,
    });

  if (options.rotate) await signingKey();
  try {
    return { ...(await obtain(Boolean(options.refresh || options.rotate))), deployment, registered };
  } catch (error) {
    // The key exists here but Snowflake does not know it (the user was re-created, or another
    // machine registered its own key): register ours once and try again.
    if (!(error instanceof auth.TokenExchangeError) || registered || !keys) throw error;
    out.debug(`the token exchange was refused (${error.message}); registering the key again`);
    await register(keys);
    return { ...(await obtain(true)), deployment, registered };
  }
}
