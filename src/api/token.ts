// A token for the deployed endpoint, as the service user: its RSA key pair (created on first use under
// .papi/keys/, registered on the user), a key-pair JWT exchanged at /oauth/token, cached until shortly
// before it expires. A Programmatic Access Token in the environment is used as it is instead.
import type { EnsureKeyPairResult, ResolvedIngressToken } from '../auth/index.js';
import type { PapiConfig } from '../config/types.js';
import { ensureProjectDir, projectPaths } from '../project.js';
import { runStatement } from '../snowflake/runner.js';
import type { ConnectedContext } from '../context.js';
import { readDeployment, type Deployment } from '../deploy/deployment.js';
import { registerKeyStatement } from '../deploy/statements.js';
import { UsageError } from '../ui/errors.js';

export interface EndpointToken extends ResolvedIngressToken {
  deployment: Deployment;
  /** True when this call registered a public key on the service user. */
  registered: boolean;
}

export interface TokenOptions {
  /** Ignore the cached token. */
  refresh?: boolean;
  /** Create and register a new key pair (RSA_PUBLIC_KEY_2 while the old one still works). */
  rotate?: boolean;
  /** The calling command takes --url (get, bench): the hint may offer it; papi token does not. */
  offerUrl?: boolean;
}

export async function deployedEndpoint(config: PapiConfig, offerUrl = false): Promise<Deployment> {
  const deployment = await readDeployment(projectPaths(config).deployment);
  if (!deployment)
    throw new UsageError('No deployed service is known for this project.', {
      code: 'NOT_DEPLOYED',
      hint: `Run \`papi deploy\` (or \`papi up\`) first${offerUrl ? ', or pass --url to call a service directly' : ''}.`,
    });
  return deployment;
}

/** papi token: an ingress token for the service user. The admin connection opens only to register a key. */
export async function token(ctx: ConnectedContext, options: TokenOptions = {}): Promise<EndpointToken> {
  const config = await ctx.config();
  const { out } = ctx;
  const auth = await import('../auth/index.js');
  const deployment = await deployedEndpoint(config, options.offerUrl);
  const paths = await ensureProjectDir(config);
  const user = config.snowflake.service.user;
  const log = { debug: (m: string) => out.debug(m), warn: (m: string) => out.warn(m) };
  const passphrase = ctx.env.PRIVATE_KEY_PASSPHRASE;

  let keys: EnsureKeyPairResult | undefined;
  let registered = false;
  const register = async (pair: EnsureKeyPairResult) => {
    const conn = await ctx.connection();
    await out.task(`Register the public key on ${user}`, () =>
      runStatement(conn, registerKeyStatement(config, pair.current.slot, auth.publicKeyBody(pair.current.privateKey)), (m) => out.debug(m)),
    );
    registered = true;
  };
  const signingKey = async () => {
    keys ??= await auth.ensureKeyPair(paths.keys, user, { rotate: options.rotate, passphrase, log });
    // Asked for again when the token is signed after --rotate: a new key is registered once.
    if (keys.created && !registered) await register(keys);
    return keys.current.privateKey;
  };
  // papi local may have restarted on another port since the deploy: ask it where it is now.
  const accountUrl = deployment.target === 'local' ? (await ctx.target()).accountUrl : deployment.accountUrl;
  const obtain = (refresh: boolean) =>
    auth.getIngressToken({
      env: ctx.env,
      accountUrl,
      account: deployment.account,
      user,
      role: config.snowflake.apiRole,
      endpointHost: deployment.endpointHost,
      privateKey: signingKey,
      cache: new auth.TokenCache({ dir: paths.state, log }),
      refresh,
      signal: ctx.signal,
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
