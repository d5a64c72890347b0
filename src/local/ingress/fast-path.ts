// The ingress's fast path: an API call carrying `Authorization: Snowflake Token=…` is checked and
// forwarded on the node:http layer, without the Hono app's Request, Context and Response around it
// (at 1,000 requests a second they were a fifth of the ingress's own work). It makes the same checks
// as the app, in the same order and asked afresh on every request (gate.ts), and answers the same
// refusals (refusal.ts). Everything else — browsers (no token, a session cookie), the sign-in pages
// under /sfc-endpoint, a request target that is not a path — goes to the Hono app unchanged.
import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import { SIGN_IN_PREFIX } from './browser-sign-in.js';
import type { Gate } from './gate.js';
import { forward } from './proxy.js';
import { refusalFor, writeRefusal } from './refusal.js';

/** A request handler in front of an app: true when it took the request, false to pass it on. */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createFastPath(gate: Gate, agent: Agent, guardSecret?: string): FrontHandler {
  return (req, res) => {
    const authorization = req.headers.authorization;
    const url = req.url ?? '';
    if (authorization === undefined || url.charCodeAt(0) !== 47 /* / */ || url.startsWith(SIGN_IN_PREFIX)) return false;
    let port: number;
    let user: string;
    try {
      const claims = gate.caller(authorization);
      gate.checkAudience(claims);
      if (!gate.mayUse(claims.role)) throw gate.forbidden(claims.role);
      port = gate.readyPort();
      user = claims.user;
    } catch (error) {
      writeRefusal(res, refusalFor(error));
      return true;
    }
    forward(req, res, port, user, agent, guardSecret).catch((error: unknown) => writeRefusal(res, refusalFor(error)));
    return true;
  };
}
