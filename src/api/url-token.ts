// `--url` on papi get and papi bench: when the URL is the deployed endpoint (the one papi printed), it is
// an ingress that wants the service user's token, so it gets the cached or a fresh one, as without --url.
// Any other URL (papi dev, a service called directly) gets none: a token is not sent where it may leak.
import type { ConnectedContext } from '../context.js';
import { readDeployment, type Deployment } from '../deploy/deployment.js';
import { projectPaths } from '../project.js';
import type { EndpointToken } from './token.js';

export async function tokenForUrl(ctx: ConnectedContext, url: string): Promise<EndpointToken | undefined> {
  const deployment = await readDeployment(projectPaths(await ctx.config()).deployment).catch(() => undefined);
  if (!deployment || !isDeployedEndpoint(url, deployment)) return undefined;
  const { token } = await import('./token.js');
  return token(ctx);
}

/** Same host and port as the deployment's URL (localhost and 127.0.0.1 are the same loopback). */
export function isDeployedEndpoint(url: string, deployment: Pick<Deployment, 'url' | 'endpointHost'>): boolean {
  const host = hostOf(url);
  return host !== undefined && (host === hostOf(deployment.url) || host === hostOf(`http://${deployment.endpointHost}`));
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase().replace(/^localhost(?=:|$)/, '127.0.0.1');
  } catch {
    return undefined;
  }
}
