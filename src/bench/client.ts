// One GET at a time per kept-alive connection, timed with performance.now(). Only the status and the
// X-Cache and X-Cache-Refresh headers are kept; the body is read and discarded. Transport failures
// are sorted into the kinds the report counts: timeout, reset, refused, other.
//
// Why not node:http: its ClientRequest, IncomingMessage, Agent bookkeeping and a timer per request
// cost about as much CPU as the service under test spends on a request, on the same two cores. Here
// a request is one write of a header block made once (the path aside), responses go through
// http-parser-js (the parser autocannon uses), and one timer serves every request's timeout: their
// deadlines come in the order they were set, so only the oldest is ever armed. Measured against a
// node:http server at 1,000/s (300 in flight): CPU per request about half of node:http's, and
// clearly below undici's Pool (see the commit that brought this in).
//
// As node:http's Agent with keepAlive did: at most maxSockets connections (papi bench's default:
// options.ts defaultConnections), an idle one reused, most recently freed first; with all of them in
// use a request waits, first come first served, and its timeout starts when it gets a connection.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import type { HTTPParser as Parser } from 'http-parser-js';
import type { TokenRenewal } from './renewal.js';

// Loaded with the first connection, not with this module: every papi command imports the bench
// command's definition (see histogram.ts), and only papi bench sends requests.
let parserClass: typeof Parser | undefined;
const httpParser = (): typeof Parser => (parserClass ??= (createRequire(import.meta.url)('http-parser-js') as typeof import('http-parser-js')).HTTPParser);

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
  private readonly secure: boolean;
  private readonly host: string;
  private readonly port: number;
  private readonly prefix: string;
  private readonly headers: Record<string, string>;
  /** Everything after the request line: Host, the headers, the blank line. */
  private headerBlock = '';
  private readonly idle: Connection[] = [];
  /** Requests waiting for a connection (all maxSockets in use), oldest first from `waitingHead`. */
  private waiting: Request[] = [];
  private waitingHead = 0;
  private open = 0;
  /** Requests on a connection, oldest deadline first (a doubly linked list through the requests). */
  private oldest: Request | undefined;
  private newest: Request | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Called when a request opens a connection (one no request used before). */
  onConnection: (() => void) | undefined;

  constructor(
    target: Target,
    private readonly timeoutMs: number,
    private readonly maxSockets: number,
  ) {
    const base = new URL(target.url);
    this.secure = base.protocol === 'https:';
    this.host = base.hostname.replace(/^\[|\]$/g, '');
    this.port = base.port ? Number(base.port) : this.secure ? 443 : 80;
    this.prefix = base.pathname.replace(/\/+$/, '');
    this.headers = { host: base.host };
    for (const [name, value] of Object.entries(target.headers)) this.headers[name.toLowerCase()] = value;
    this.buildHeaderBlock();
  }

  /** A renewed token: the requests sent from now on carry it. */
  setAuthorization(value: string): void {
    this.headers.authorization = value;
    this.buildHeaderBlock();
  }

  /** Sends GET base + path; `done` is called exactly once (not at all once cancelled). */
  get(path: string, done: (outcome: Outcome) => void): { cancel(): void } {
    const request = new Request(this, path, done);
    const connection = this.idle.pop();
    if (connection) this.assign(connection, request);
    else if (this.open < this.maxSockets) this.assign(this.connect(), request);
    else this.waiting.push(request);
    return request;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (let r = this.oldest; r; r = r.next) r.connection?.socket.destroy();
    for (const connection of this.idle.splice(0)) connection.socket.destroy();
    this.waiting = [];
    this.waitingHead = 0;
  }

  private buildHeaderBlock(): void {
    let block = '';
    for (const [name, value] of Object.entries(this.headers)) {
      // node:http's own checks: a bad --header is refused, never sent as a broken request.
      validateHeaderName(name);
      validateHeaderValue(name, value);
      block += `${name}: ${value}\r\n`;
    }
    this.headerBlock = `${block}\r\n`;
  }

  private connect(): Connection {
    this.open++;
    const socket = this.secure
      ? tls.connect({ host: this.host, port: this.port, servername: net.isIP(this.host) ? undefined : this.host, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host: this.host, port: this.port, keepAlive: true });
    socket.setNoDelay(true);
    this.onConnection?.();
    return new Connection(this, socket);
  }

  private assign(connection: Connection, request: Request): void {
    request.connection = connection;
    connection.request = request;
    request.deadline = performance.now() + this.timeoutMs;
    // Deadlines grow with each assignment (same timeout, a monotonic clock): append, arm for the oldest.
    request.prev = this.newest;
    if (this.newest) this.newest.next = request;
    else this.oldest = request;
    this.newest = request;
    this.timer ??= setTimeout(this.expire, Math.max(0, this.oldest!.deadline - performance.now())).unref();
    connection.socket.write(`GET ${this.prefix}${request.path} HTTP/1.1\r\n${this.headerBlock}`, 'latin1');
  }

  /** Times out every request past its deadline, then arms the timer for the oldest left. */
  private readonly expire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    while (this.oldest && this.oldest.deadline <= now) {
      const request = this.oldest;
      const socket = request.connection?.socket;
      this.finish(request, { ok: false, kind: 'timeout', code: 'ETIMEDOUT', endMs: now });
      socket?.destroy();
    }
    if (this.oldest && !this.closed) this.timer = setTimeout(this.expire, Math.max(0, this.oldest.deadline - now)).unref();
  };

  /** The one way a request ends: off the deadline list and its connection, then `done`. */
  finish(request: Request, outcome: Outcome | undefined): void {
    if (request.finished) return;
    request.finished = true;
    const connection = request.connection;
    if (connection) {
      if (request.prev) request.prev.next = request.next;
      else this.oldest = request.next;
      if (request.next) request.next.prev = request.prev;
      else this.newest = request.prev;
      request.prev = request.next = undefined;
      request.connection = undefined;
      if (connection.request === request) connection.request = undefined;
    }
    if (outcome) request.done(outcome);
  }

  /** A connection whose response is complete: to the next waiting request, or idle. */
  release(connection: Connection): void {
    if (this.closed) return void connection.socket.destroy();
    const next = this.nextWaiting();
    if (next) this.assign(connection, next);
    else this.idle.push(connection);
  }

  /** A connection closed (by either side): its place goes to a waiting request, if any. */
  closedConnection(connection: Connection): void {
    this.open--;
    const at = this.idle.lastIndexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.closed || this.open >= this.maxSockets) return;
    const next = this.nextWaiting();
    if (next) this.assign(this.connect(), next);
  }

  private nextWaiting(): Request | undefined {
    while (this.waitingHead < this.waiting.length) {
      const request = this.waiting[this.waitingHead]!;
      this.waiting[this.waitingHead++] = undefined as unknown as Request;
      if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.waitingHead);
        this.waitingHead = 0;
      }
      if (!request.finished) return request;
    }
    return undefined;
  }
}

class Request {
  connection: Connection | undefined;
  deadline = 0;
  prev: Request | undefined;
  next: Request | undefined;
  finished = false;

  constructor(
    private readonly client: HttpClient,
    readonly path: string,
    readonly done: (outcome: Outcome) => void,
  ) {}

  /** Abandons the request (an interrupted run): no outcome, and its connection is closed. */
  cancel(): void {
    const socket = this.connection?.socket;
    this.client.finish(this, undefined);
    socket?.destroy();
  }
}

class Connection {
  request: Request | undefined;
  private readonly parser: InstanceType<typeof Parser>;
  private status = 0;
  private cache: string | undefined;
  private refresh: string | undefined;
  private keepAlive = true;

  constructor(
    private readonly client: HttpClient,
    readonly socket: net.Socket,
  ) {
    const HTTPParser = httpParser();
    this.parser = new HTTPParser(HTTPParser.RESPONSE);
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => {
      this.status = info.statusCode;
      this.keepAlive = info.shouldKeepAlive;
      this.cache = this.refresh = undefined;
      const headers = info.headers;
      for (let i = 0; i < headers.length; i += 2) {
        const name = headers[i]!;
        // Repeated headers joined with ", " as node:http joins them.
        if (name.length === 7 && name.toLowerCase() === 'x-cache') this.cache = joined(this.cache, headers[i + 1]!);
        else if (name.length === 15 && name.toLowerCase() === 'x-cache-refresh') this.refresh = joined(this.refresh, headers[i + 1]!);
      }
    };
    this.parser[HTTPParser.kOnMessageComplete] = () => this.complete();
    socket.on('data', (chunk: Buffer) => {
      const parsed = this.parser.execute(chunk);
      if (parsed instanceof Error) this.fail(parsed);
    });
    // A body that runs until the server closes ends there; anything else still waiting was cut off.
    socket.on('end', () => {
      const parsed = this.parser.finish();
      if (parsed instanceof Error && this.request) this.fail(parsed);
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => {
      // Closed before the answer came: node:http's "socket hang up".
      if (this.request) this.client.finish(this.request, { ok: false, kind: 'reset', code: 'ECONNRESET', endMs: performance.now() });
      this.client.closedConnection(this);
    });
  }

  private complete(): void {
    const request = this.request;
    // 1xx answers are followed by the real one; an answer nobody asked for ends the connection.
    if (this.status >= 100 && this.status < 200) return;
    if (!request) return void this.socket.destroy();
    const outcome: Outcome = { ok: true, status: this.status, cache: this.cache, endMs: performance.now() };
    if (this.refresh !== undefined) outcome.refresh = this.refresh;
    this.client.finish(request, undefined);
    if (this.keepAlive) this.client.release(this);
    else this.socket.end();
    request.done(outcome);
  }

  private fail(error: unknown): void {
    if (this.request) this.client.finish(this.request, failure(error));
    this.socket.destroy();
  }
}

function joined(previous: string | undefined, value: string): string {
  return previous === undefined ? value : `${previous}, ${value}`;
}

function failure(error: unknown): Outcome {
  const code = String((error as { code?: unknown }).code ?? (error as Error).message ?? 'unknown');
  return { ok: false, kind: errorKind(error), code, endMs: performance.now() };
}

export function errorKind(error: unknown): ErrorKind {
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || /socket hang up/.test(String((error as Error).message)))
    return 'reset';
  return 'other';
}
