// One GET over a keep-alive agent (node:http / node:https), timed with performance.now(). The body
// is read and discarded; only the status and the X-Cache and X-Cache-Refresh headers are kept. Transport failures are
// sorted into the kinds the report counts: timeout, reset, refused, other.
import http from 'node:http';
import https from 'node:https';
import type { TokenRenewal } from './renewal.js';

export type ErrorKind = 'timeout' | 'reset' | 'refused' | 'other';

export type Outcome =
  | { ok: true; status: number; cache: string | undefined; refresh?: string; endMs: number }
  | { ok: false; kind: ErrorKind; code: string; endMs: number };

export interface Target {
  /** Base URL; request paths are appended to its path. */
  url: string;
  /** Sent with every request (e.g. Authorization); never printed. */
  headers: Record<string, string>;
  /** The ingress token's expiry and how to renew it (the deployed endpoint); see renewal.ts. */
  renewal?: TokenRenewal;
}

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly base: URL;
  private readonly prefix: string;
  private readonly headers: Record<string, string>;
  private readonly sockets = new WeakSet<object>();
  /** Called when a request goes out on a connection no request used before (one just opened). */
  onConnection: (() => void) | undefined;

  constructor(
    target: Target,
    private readonly timeoutMs: number,
    maxSockets: number,
  ) {
    this.base = new URL(target.url);
    const secure = this.base.protocol === 'https:';
    const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
    this.agent = secure ? new https.Agent(options) : new http.Agent(options);
    this.request = secure ? https.request : http.request;
    this.prefix = this.base.pathname.replace(/\/+$/, '');
    this.headers = { ...target.headers };
  }

  /** A renewed token: the requests sent from now on carry it. */
  setAuthorization(value: string): void {
    this.headers.authorization = value;
  }

  /** Sends GET base + path; `done` is called exactly once. */
  get(path: string, done: (outcome: Outcome) => void): { cancel(): void } {
    let finished = false;
    const finish = (outcome: Outcome) => {
      if (finished) return;
      finished = true;
      done(outcome);
    };
    const req = this.request(
      {
        agent: this.agent,
        protocol: this.base.protocol,
        hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
        port: this.base.port || undefined,
        path: this.prefix + path,
        method: 'GET',
        headers: this.headers,
      },
      (res) => {
        const header = res.headers['x-cache'];
        const cache = Array.isArray(header) ? header[0] : header;
        // The service's answer to Cache-Control: no-cache: yes (looked up in the table) or off (not honoured).
        const refreshHeader = res.headers['x-cache-refresh'];
        const refresh = Array.isArray(refreshHeader) ? refreshHeader[0] : refreshHeader;
        res.on('data', noop);
        res.on('end', () => finish({ ok: true, status: res.statusCode ?? 0, cache, ...(refresh === undefined ? {} : { refresh }), endMs: performance.now() }));
        res.on('error', (error) => finish(failure(error)));
        res.on('aborted', () => finish({ ok: false, kind: 'reset', code: 'ECONNRESET', endMs: performance.now() }));
      },
    );
    if (this.onConnection) {
      req.once('socket', (socket) => {
        if (this.sockets.has(socket)) return;
        this.sockets.add(socket);
        this.onConnection?.();
      });
    }
    req.setTimeout(this.timeoutMs, () => req.destroy(new TimeoutError()));
    req.on('error', (error) => finish(failure(error)));
    req.end();
    return {
      cancel: () => {
        finished = true;
        req.destroy();
      },
    };
  }

  close(): void {
    this.agent.destroy();
  }
}

class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

function failure(error: unknown): Outcome {
  const code = String((error as { code?: unknown }).code ?? (error as Error).message ?? 'unknown');
  return { ok: false, kind: errorKind(error), code, endMs: performance.now() };
}

export function errorKind(error: unknown): ErrorKind {
  if (error instanceof TimeoutError) return 'timeout';
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || /socket hang up/.test(String((error as Error).message)))
    return 'reset';
  return 'other';
}

function noop(): void {}
