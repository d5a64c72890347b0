// Logs: one JSON line per event on the given output (stdout in server.ts, written asynchronously and
// in batches: fdSink). Never ids, SQL or secrets: request lines carry the route template and an id
// count, error lines a code and a short message. Request lines, one per request, are kept as their
// fields and made as text together every LOG_BATCH_MS, with the time's ISO text reused within a
// millisecond.

import { writeSync } from 'node:fs';
import { SonicBoom } from 'sonic-boom';
import { monotonicMs, wallClock } from './clock.js';
import { rememberFirst } from './memo.js';

export interface RequestLogLine {
  requestId: string;
  method: string;
  /** The route template, e.g. /customer/:ids — never the ids themselves. */
  path: string;
  status: number;
  ids?: number;
  cache?: string;
  ms: number;
  /** When the answer went out (monotonicMs()), for the line's time; now when absent. */
  at?: number;
}

export interface Logger {
  request(line: RequestLogLine): void;
  info(event: string, fields?: Record<string, string | number | boolean>): void;
  /** An error from the store (or the driver under it), without secrets. */
  storeError(during: string, error: unknown): void;
  error(event: string, error: unknown, fields?: Record<string, string | number>): void;
  /** Writes the request lines still gathered, and the output's buffer, now (before exiting). */
  flush(): void;
  /**
   * Until the returned function is called, the request lines of requests whose id starts with
   * `prefix` are made as usual but not written (the service's warm-up requests, warm-up.ts); all
   * other lines and events still are.
   */
  muteRequests(prefix: string): () => void;
}

/** Where a logger's text goes: a function, or a sink that gathers text until `now` (fdSink). */
export type LogOutput = ((text: string) => void) | LogSink;

export interface LoggerOptions {
  /**
   * Request lines are kept this long as their fields and then made in one go (0: each is made and
   * written at once). Events are written at once, after the request lines kept before them.
   */
  batchMs?: number;
}

const MESSAGE_LIMIT = 300;
/** Printable ASCII but " and \: a JSON string as it is. */
const PLAIN_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A string as JSON text: quoted as it is when nothing in it needs escaping (what app.ts logs), else JSON.stringify. */
function quote(text: string): string {
  return PLAIN_TEXT.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** Durations under 1 ms (a cache hit's) as JSON text, made once: the shortest text of a fraction takes ~0.1 µs to make. */
const SUB_MS_TEXT = Array.from({ length: 1000 }, (_, us) => String(us / 1000));

/** A duration in milliseconds as JSON text, the same as String(ms). */
function msText(ms: number): string {
  if (ms >= 0 && ms < 1) {
    const us = Math.round(ms * 1000);
    if (us / 1000 === ms) return SUB_MS_TEXT[us]!;
  }
  return String(ms);
}

/** Tokens seen as method or path (a handful: GET, /customer/:ids, …) with their JSON text, so each is checked once. */
const QUOTED_TOKENS_KEPT = 64;

/**
 * Request lines are kept this long (as their fields) before they are made and handed over in one
 * batch. Measured on cache hits under wrk, side by side with a bare node:http server on one core:
 * made one by one in each request, the lines cost 4–6 % more of a hit's CPU than made together
 * every 100 ms (the same code run in a loop, its data and instructions at hand); the whole request
 * log went from ~10 % of a hit to ~2 %. Handed to sonic-boom one by one, each line became a write of
 * its own on the thread pool; with one write per batch, 100 ms cost 3 % less CPU per answer than
 * 20 ms (5 ms the same as 20, 250 ms the same as 100). A request line reaches stdout at most this
 * late; events go at once, and at exit whatever is kept (Logger.flush).
 */
export const LOG_BATCH_MS = 100;

/** Request lines kept at most before they are made early (under load, 100 ms hold about 6,000). */
const KEPT_LINES = 16_384;
/** Request lines joined into one text before it is written (a write per line cost ~0.1 µs more a line, in a loop). */
const LINES_PER_WRITE = 64;

/**
 * A logger writing JSON lines to `out`. Events (listening, errors, the store's state) are written at
 * once and handed over (`papi dev` waits for the `listening` line); request lines, one per request,
 * are kept for `batchMs` first (LOG_BATCH_MS in the service) and written at the latest when the
 * process exits.
 */
export function createLogger(out: LogOutput, { batchMs = 0 }: LoggerOptions = {}): Logger {
  const sink: LogSink = typeof out === 'function' ? { write: out, flush: () => undefined } : out;
  const write = sink.write;
  const quoteToken = rememberFirst(quote, QUOTED_TOKENS_KEPT);
  const wallMs = wallClock();
  let isoMs = -1;
  let iso = '';
  /** The time of a monotonic reading (default now) as ISO text; the same string for every line of one millisecond. */
  const time = (at = monotonicMs()): string => {
    const ms = Math.floor(wallMs(at));
    if (ms !== isoMs) {
      isoMs = ms;
      iso = new Date(ms).toISOString();
    }
    return iso;
  };

  // A request line is made of three texts besides its request id and ms: the start (time and level),
  // made once per millisecond and level, and the fields after the id, the same as the previous
  // line's most of the time (under load, hits of one route): kept and reused while they match. So
  // a line is joined from five pieces rather than built from some twenty.
  let headIso = '';
  let infoHead = '';
  let errorHead = '';
  let last: RequestLogLine | undefined;
  let lastMiddle = '';
  const middle = (line: RequestLogLine): string => {
    if (last === undefined || line.method !== last.method || line.path !== last.path || line.status !== last.status || line.ids !== last.ids || line.cache !== last.cache) {
      lastMiddle =
        `,"method":${quoteToken(line.method)},"path":${quoteToken(line.path)},"status":${line.status}` +
        `${line.ids === undefined ? '' : `,"ids":${line.ids}`}${line.cache === undefined ? '' : `,"cache":"${line.cache}"`},"ms":`;
      last = { ...line };
    }
    return lastMiddle;
  };
  // The same JSON as JSON.stringify would give, without building and stringifying an object per
  // request: requestId, method, route and cache are plain tokens (app.ts), numbers are numbers.
  const requestLine = (requestId: string, middleText: string, error: boolean, ms: number, at: number): string => {
    const now = time(at);
    if (now !== headIso) {
      headIso = now;
      infoHead = `{"time":"${now}","level":"info","event":"request","requestId":`;
      errorHead = `{"time":"${now}","level":"error","event":"request","requestId":`;
    }
    return `${error ? errorHead : infoHead}${quote(requestId)}${middleText}${msText(ms)}}\n`;
  };

  // Request lines kept: their fields in columns, made into text together (drain).
  const keptIds: string[] = [];
  const keptMiddles: string[] = [];
  const keptErrors = new Uint8Array(KEPT_LINES);
  const keptTimes = new Float64Array(2 * KEPT_LINES);
  let kept = 0;
  let timer: NodeJS.Timeout | undefined;
  /** Request ids whose lines are not written (muteRequests), or undefined. */
  let mutedPrefix: string | undefined;
  const muted = (requestId: string): boolean => mutedPrefix !== undefined && requestId.startsWith(mutedPrefix);
  /** Makes the kept request lines (at least one) and writes them; `handOver`: the last write hands the output's batch over. */
  const drain = (handOver: boolean): void => {
    clearTimeout(timer);
    timer = undefined;
    let text = '';
    let lines = 0;
    for (let i = 0; i < kept; i++) {
      const line = requestLine(keptIds[i]!, keptMiddles[i]!, keptErrors[i] === 1, keptTimes[2 * i]!, keptTimes[2 * i + 1]!);
      if (muted(keptIds[i]!)) continue;
      if (lines > 0 && lines % LINES_PER_WRITE === 0) {
        write(text, false);
        text = '';
      }
      text += line;
      lines++;
    }
    // Let go of the request ids: the columns are reused, and their old entries would keep them alive.
    keptIds.fill('', 0, kept);
    kept = 0;
    write(text, handOver);
  };
  const emit = (level: string, fields: object): void => {
    if (kept > 0) drain(false);
    write(`${JSON.stringify({ time: time(), level, ...fields })}\n`, true);
  };

  const flush = (): void => {
    if (kept > 0) drain(false);
    sink.flush();
  };
  // Whatever way the process ends, the request lines still kept are written.
  if (batchMs > 0) process.once('exit', flush);

  return {
    request:
      batchMs > 0
        ? (line) => {
            if (kept === KEPT_LINES) drain(true);
            keptIds[kept] = line.requestId;
            keptMiddles[kept] = middle(line);
            keptErrors[kept] = line.status >= 500 ? 1 : 0;
            keptTimes[2 * kept] = line.ms;
            keptTimes[2 * kept + 1] = line.at ?? monotonicMs();
            kept++;
            // Unref'd: kept lines alone do not hold the process open (they are written at exit).
            timer ??= setTimeout(() => drain(true), batchMs).unref();
          }
        : (line) => {
            const text = requestLine(line.requestId, middle(line), line.status >= 500, line.ms, line.at ?? monotonicMs());
            if (!muted(line.requestId)) write(text, true);
          },
    info: (event, fields = {}) => emit('info', { event, ...fields }),
    storeError: (during, error) => emit('error', { event: 'store_error', during, ...describeError(error) }),
    error: (event, error, fields = {}) => emit('error', { event, ...fields, ...describeError(error) }),
    flush,
    muteRequests: (prefix) => {
      // Lines kept before are written as they were; muted ones still kept when it ends are dropped then.
      if (kept > 0) drain(false);
      mutedPrefix = prefix;
      return () => {
        if (kept > 0) drain(false);
        mutedPrefix = undefined;
      };
    },
  };
}

/** A discarding logger, for code that must log somewhere. */
export const silentLogger: Logger = createLogger(() => undefined);

/**
 * The parts of an error safe to log: its name, Snowflake's code and SQLSTATE when present, and its
 * message on one line, shortened and with anything that looks like a token masked.
 */
export function describeError(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return { error: 'non-error thrown' };
  const described: Record<string, string> = { error: error.name };
  const { code, sqlState } = error as Error & { code?: unknown; sqlState?: unknown };
  if (typeof code === 'string' || typeof code === 'number') described.code = String(code);
  if (typeof sqlState === 'string') described.sqlState = sqlState;
  described.message = maskSecrets(error.message.replace(/\s+/g, ' ')).slice(0, MESSAGE_LIMIT);
  return described;
}

/** Long base64/JWT-like runs (tokens, keys) become "***". */
export function maskSecrets(text: string): string {
  return text.replace(/[A-Za-z0-9+/_=.-]{40,}/g, '***');
}

/** Bytes of log lines kept while the reader of stdout is slower than the service; past it lines are dropped. */
export const STDOUT_BUFFER_LIMIT = 16 * 1024 * 1024;

/** Bytes a batch's buffer starts with (it grows as lines come; a hit's line is about 230 bytes). */
const BATCH_START_BYTES = 64 * 1024;

/** How often, and how long each time, a final flush waits for a descriptor that is not ready (a reader behind). */
const EAGAIN_WAITS = 100;
const EAGAIN_WAIT_MS = 10;

export interface LogSink {
  /** Adds text to the batch; `now`: hand the batch over to be written (it is kept until then). */
  write(text: string, now?: boolean): void;
  /** Writes what is gathered and buffered, synchronously (before exiting). */
  flush(): void;
}

/**
 * Writes to a file descriptor without blocking the event loop: sonic-boom (pino's destination) hands
 * the text to a write on libuv's thread pool and gathers what comes meanwhile into the next one, so a
 * slow reader (the container runtime, papi dev) never stalls requests. Measured on a shared 2-core
 * machine, 200,000 request lines: process.stdout.write 13.6–15.8 µs a line, sonic-boom 10.5–14.6,
 * pino with its asynchronous destination 22–29 (its own formatting). Text is gathered until a write
 * says `now` (the logger's batches, its events); what is still gathered is written when the process exits.
 */
export function fdSink(fd: number): LogSink {
  // maxWrite: a batch goes out in one write, not in sonic-boom's default 16 KiB pieces (each a trip
  // through libuv's thread pool): +2 % of cache hits under wrk, side by side.
  const out = new SonicBoom({ fd, sync: false, maxLength: STDOUT_BUFFER_LIMIT, maxWrite: STDOUT_BUFFER_LIMIT, contentMode: 'buffer' });
  // A reader gone (EPIPE) must not take the service down: its log is lost, its answers are not.
  out.on('error', () => undefined);
  // Each text is encoded into the batch's buffer as it comes. Gathered as one string, a batch was a
  // rope of thousands of pieces that Buffer.from had to flatten and encode at once: on cache hits
  // that cost more per request than building the line (a CPU profile under wrk).
  let batch: Buffer = Buffer.allocUnsafe(BATCH_START_BYTES);
  let used = 0;
  /** Room for `bytes` more: a buffer twice as large, holding what the batch has so far. */
  const grow = (bytes: number): void => {
    const larger = Buffer.allocUnsafe(Math.max(batch.length * 2, used + bytes));
    batch.copy(larger, 0, 0, used);
    batch = larger;
  };
  // Bytes handed to sonic-boom and not written yet. While none are, the buffer handed over last is
  // free again and becomes the next batch's: a new buffer per batch (50 a second, with 20 ms batches)
  // cost page faults and V8 mark-sweeps for their external memory, ~2 % of a cache hit's CPU.
  let unwritten = 0;
  out.on('write', (bytes: number) => {
    unwritten -= bytes;
  });
  let handedLast: Buffer | undefined;
  /** The batch so far, taken out of the sink: the next one goes into another buffer (sonic-boom keeps this one until written). */
  const take = (): Buffer => {
    const taken = batch.subarray(0, used);
    const free = unwritten === 0 && handedLast !== undefined && handedLast.length >= Math.min(batch.length, used * 2) ? handedLast : undefined;
    handedLast = batch;
    batch = free ?? Buffer.allocUnsafe(Math.max(BATCH_START_BYTES, Math.min(batch.length, used * 2)));
    used = 0;
    return taken;
  };
  const handOver = (): void => {
    if (used === 0) return;
    const data = take();
    try {
      // In buffer mode write() takes a Buffer; its types know only the text mode.
      out.write(data as unknown as string);
      unwritten += data.length;
    } catch {
      // Destroyed after an error: nothing more can be written.
    }
  };
  const flush = (): void => {
    const pending = take();
    try {
      // What sonic-boom holds first (a write it has in flight finishes on its own), then the text
      // gathered since, written here: handed over, it would only start another write in flight.
      out.flushSync();
      if (pending.length > 0) writeAllSync(fd, pending);
    } catch {
      // Nothing more can be written.
    }
  };
  process.once('exit', flush);
  return {
    write: (text, now = false) => {
      // At most 3 bytes of UTF-8 per UTF-16 unit.
      if (used + text.length * 3 > batch.length) grow(text.length * 3);
      used += batch.write(text, used);
      if (now) handOver();
    },
    flush,
  };
}

/** Writes all of data now; a descriptor that is not ready yet (EAGAIN) is waited for a little while. */
function writeAllSync(fd: number, data: Buffer): void {
  for (let offset = 0, waits = 0; offset < data.length; ) {
    try {
      offset += writeSync(fd, data, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || ++waits > EAGAIN_WAITS) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, EAGAIN_WAIT_MS);
    }
  }
}

/** The service's log: its stdout, read by the container runtime (SPCS) or papi dev's log file. */
export function stdoutSink(): LogSink {
  return fdSink(1);
}
