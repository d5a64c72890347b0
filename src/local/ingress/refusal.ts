// The ingress's refusals: `{error, message}` JSON with its status, the same bytes from the Hono app
// (ingressErrorAnswer in index.ts) and from the fast path (fast-path.ts).
import type { ServerResponse } from 'node:http';
import { UpstreamError } from './proxy.js';

export type IngressStatus = 401 | 403 | 500 | 502 | 503;

/** A refusal of the ingress, answered as `{error, message}` with its status. */
export class IngressError extends Error {
  constructor(
    readonly status: IngressStatus,
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = 'IngressError';
  }
}

/** Seconds a client may wait before retrying a 503 (no instance ready is temporary: a start, a restart after a crash). */
export const RETRY_AFTER_S = 1;
/** The container's port refused or dropped the connection before answering: no instance is serving. */
const GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/** The refusal answering an error thrown or met while serving a request. */
export function refusalFor(error: unknown): IngressError {
  if (error instanceof IngressError) return error;
  if (error instanceof UpstreamError && GONE.has(error.code ?? '')) {
    return new IngressError(503, 'SERVICE_UNAVAILABLE', 'The service is not answering: its container is not running (papi local restarts a container that exited).');
  }
  if (error instanceof UpstreamError) return new IngressError(502, 'BAD_GATEWAY', 'The service did not answer.');
  return new IngressError(500, 'INTERNAL_ERROR', error instanceof Error ? error.message : String(error));
}

/** The refusal's headers beside its JSON content type. */
export function refusalHeaders(refusal: IngressError): Record<string, string> {
  return refusal.status === 503 ? { 'Retry-After': String(RETRY_AFTER_S) } : {};
}

export function refusalBody(refusal: IngressError): { error: string; message: string } {
  return { error: refusal.error, message: refusal.message };
}

/** Writes the refusal on a Node response (the fast path); a response already started can only be cut. */
export function writeRefusal(res: ServerResponse, refusal: IngressError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(refusalBody(refusal));
  res.writeHead(refusal.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...refusalHeaders(refusal) });
  res.end(body);
}
