// The registry's failures as the OCI distribution spec answers them: an HTTP status and
// `{"errors":[{"code","message","detail"}]}`, with the headers a client acts on (WWW-Authenticate on
// 401, Range on 416). Handlers throw OciError; the app's error middleware answers with ociErrorAnswer.
import type { ErrorAnswer } from '../http/error-middleware.js';

export type OciErrorStatus = 400 | 401 | 404 | 405 | 413 | 416 | 500;

export class OciError extends Error {
  constructor(
    readonly status: OciErrorStatus,
    /** The spec's error code, e.g. BLOB_UNKNOWN, MANIFEST_INVALID, DENIED. */
    readonly code: string,
    message: string,
    readonly detail?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OciError';
  }
}

export const ociErrorAnswer: ErrorAnswer = (error, c) => {
  const failure = error instanceof OciError ? error : new OciError(500, 'UNKNOWN', 'internal registry error', error instanceof Error ? error.message : String(error));
  // A HEAD answer has no body; its length says so (clients read only the status).
  if (c.req.method === 'HEAD') return c.body(null, failure.status, { ...failure.headers, 'content-length': '0' });
  const body = { errors: [{ code: failure.code, message: failure.message, ...(failure.detail !== undefined ? { detail: failure.detail } : {}) }] };
  return c.json(body, failure.status, failure.headers);
};
