// papi open: the deployed service's /test page in a browser. Snowflake's ingress asks the browser to
// sign in; papi local's does the same (its /sfc-endpoint/login), and for papi's own admin user it also
// hands out one-time sign-in links: `papi open` opens one (the browser lands on /test signed in) and
// `papi open --print` prints one. A link works once and for 5 minutes; it is a credential, so it is
// printed only when asked for.
import type { TargetContext } from '../context.js';
import { poll } from '../poll.js';
import { HttpError, UsageError } from '../ui/errors.js';
import { openInBrowser } from './browser.js';
import { deployedEndpoint } from './token.js';

export interface OpenOptions {
  /** Print instead of opening: the one-time sign-in link on papi local, the page's URL on Snowflake. */
  print?: boolean;
}

export interface OpenResult {
  /** The /test page. */
  page: string;
  /** What was printed or opened. */
  url: string;
  /** A one-time sign-in link (papi local). */
  signInLink: boolean;
  opened: boolean;
  /** Why no browser was opened. */
  reason?: string;
}

const PAGE = '/test';
/** How long papi open waits for papi local's ingress to listen (it may have just been started). */
const LISTENER_WAIT_MS = 15_000;

export async function openPage(ctx: TargetContext, options: OpenOptions): Promise<OpenResult> {
  const config = await ctx.config();
  const deployment = await deployedEndpoint(config);
  const page = `${deployment.url.replace(/\/+$/, '')}${PAGE}`;
  const link = deployment.target === 'local' ? await oneTimeLink(ctx, deployment.url) : undefined;
  const url = link ?? page;
  if (options.print) return { page, url, signInLink: link !== undefined, opened: false };
  const result = await openInBrowser(url, ctx.env);
  // Not opened: the page's URL, never the unrequested link.
  if (!result.opened) return { page, url: page, signInLink: false, opened: false, reason: result.reason };
  return { page, url, signInLink: link !== undefined, opened: true };
}

/** Asks papi local's ingress for a one-time link that signs a browser in as papi's admin user. */
async function oneTimeLink(ctx: TargetContext, endpointUrl: string): Promise<string> {
  // The admin password goes only to papi local's own loopback ingress, whatever deployment.json says.
  const { hostname } = new URL(endpointUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) {
    throw new UsageError(`The deployed endpoint ${endpointUrl} is not papi local's loopback ingress; papi open asks only that one for a sign-in link.`, {
      code: 'NOT_LOCAL_ENDPOINT',
      hint: 'Run `papi deploy` again to rewrite .papi/deployment.json.',
    });
  }
  const target = await ctx.target();
  const { user, password } = target.params;
  const address = `${endpointUrl.replace(/\/+$/, '')}/sfc-endpoint/one-time-link`;
  const ask = () =>
    fetch(address, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password, next: PAGE }), signal: ctx.signal });
  // papi local just started by this command brings its services' ingress listeners back in the background.
  let failure: Error | undefined;
  const response = await poll(
    () =>
      ask().catch((error: unknown) => {
        if (ctx.signal.aborted) throw error;
        failure = error as Error;
        return undefined;
      }),
    { intervalMs: 250, timeoutMs: LISTENER_WAIT_MS, signal: ctx.signal },
  );
  if (!response) {
    throw new HttpError(`papi local's ingress at ${endpointUrl} did not answer: ${failure?.message ?? 'no answer'}`, 0, '', {
      code: 'ENDPOINT_UNREACHABLE',
      hint: 'See `papi status`; `papi deploy` again if the service is gone.',
    });
  }
  const body = await response.text();
  if (!response.ok) {
    throw new HttpError(`papi local's ingress refused a sign-in link (HTTP ${response.status}): ${messageOf(body)}`, response.status, body, {
      code: 'SIGN_IN_LINK_REFUSED',
      hint: 'Sign in with the form instead: open the page without --print.',
    });
  }
  return (JSON.parse(body) as { url: string }).url;
}

function messageOf(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body.slice(0, 200);
  }
}
