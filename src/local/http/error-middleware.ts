// The one error middleware of papi local's HTTP apps (installed with app.onError). Each app passes
// the answer its clients understand: Snowflake's failure shape (SQL API), OCI distribution errors
// (image registry), the ingress's JSON.
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, ErrorHandler } from 'hono';
import type { LocalHttpEnv } from './local-http-env.js';

/** How an app answers a failure: the status and body its protocol uses. */
export type ErrorAnswer = <E extends LocalHttpEnv>(error: unknown, c: Context<E>) => Response | Promise<Response>;

export function answerErrorsWith<E extends LocalHttpEnv>(answer: ErrorAnswer): ErrorHandler<E> {
  return (error, c) => {
    // A handler that wrote to the Node response itself (the ingress's proxy) and failed after the
    // status line went out can only cut the connection.
    const outgoing = c.env?.outgoing;
    if (outgoing?.headersSent) {
      outgoing.destroy();
      return RESPONSE_ALREADY_SENT;
    }
    return answer(error, c);
  };
}
