// Request bodies and headers for papi local's Hono apps. Served by @hono/node-server they are read
// straight from the Node request (no web Request or Headers is built on the hot path); under
// app.request() in tests they come from the web Request.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { LocalHttpEnv } from './local-http-env.js';

const inflate = promisify(gunzip);

/**
 * A gzip body this small (a query request is a few hundred bytes) inflates on the event loop: a trip
 * through the thread pool costs more than the inflating. Its output is capped too, so a small bomb
 * stops early and goes the asynchronous way with the real cap.
 */
const INFLATE_INLINE_MAX_BYTES = 16 * 1024;
const INFLATE_INLINE_MAX_OUTPUT_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(
    readonly maxBytes: number,
    readonly inflated = false,
  ) {
    super(`request body larger than ${maxBytes} bytes${inflated ? ' once inflated' : ''}`);
    this.name = 'BodyTooLargeError';
  }
}

/** A gzip body that does not inflate (corrupt or truncated): the client's mistake, not papi local's. */
export class BadBodyEncodingError extends Error {
  constructor(cause: unknown) {
    super(`request body is not valid gzip: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'BadBodyEncodingError';
  }
}

export interface ReadBodyOptions {
  maxBytes: number;
  /** Inflate a gzip body, detected by its magic bytes (the driver compresses without always saying so). */
  gunzip?: boolean;
  /**
   * Cap on the inflated body (default maxBytes). A few hundred KB of gzip can inflate to gigabytes,
   * so inflating stops as soon as the output passes the cap, before it is all in memory.
   */
  maxInflatedBytes?: number;
}

/** The whole body, up to `maxBytes` (BodyTooLargeError past it). */
export function readBody<E extends LocalHttpEnv>(c: Context<E>, options: ReadBodyOptions): Promise<Buffer> {
  const stream = bodyStream(c);
  if (stream.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Uint8Array): void => {
      size += chunk.length;
      if (size <= options.maxBytes) return void chunks.push(chunk);
      // Refuse now, but let the rest flow away unread: the connection stays usable for the answer.
      stream.off('data', onData).off('end', onEnd).resume();
      reject(new BodyTooLargeError(options.maxBytes));
    };
    const onEnd = (): void => {
      const body = chunks.length === 1 && Buffer.isBuffer(chunks[0]) ? chunks[0] : Buffer.concat(chunks, size);
      if (!(options.gunzip && body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b)) return resolve(body);
      inflateCapped(body, options.maxInflatedBytes ?? options.maxBytes).then(resolve, reject);
    };
    stream.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

/** Inflates off the event loop (small bodies on it); zlib's maxOutputLength stops it (ERR_BUFFER_TOO_LARGE) once past the cap. */
async function inflateCapped(body: Buffer, maxBytes: number): Promise<Buffer> {
  if (body.length <= INFLATE_INLINE_MAX_BYTES) {
    const inlineCap = Math.min(maxBytes, INFLATE_INLINE_MAX_OUTPUT_BYTES);
    try {
      return gunzipSync(body, { maxOutputLength: inlineCap });
    } catch (error) {
      const tooLarge = (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
      if (tooLarge && inlineCap === maxBytes) throw new BodyTooLargeError(maxBytes, true);
      if (!tooLarge) throw new BadBodyEncodingError(error);
      // Larger than the inline cap but maybe within the real one: inflate it off the event loop.
    }
  }
  try {
    return await inflate(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLargeError(maxBytes, true);
    throw new BadBodyEncodingError(error);
  }
}

/** The body as a Node stream, for bodies too large to hold (blob uploads, proxied requests). */
export function bodyStream<E extends LocalHttpEnv>(c: Context<E>): Readable {
  const incoming = c.env?.incoming;
  if (incoming) return incoming;
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body as WebReadableStream<Uint8Array>) : Readable.from([]);
}

/** A request header by its lower-case name. */
export function requestHeader<E extends LocalHttpEnv>(c: Context<E>, name: string): string | undefined {
  const incoming = c.env?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
