// Query executions kept for a while after they finish: a retried request (same requestId) gets the
// first answer and never runs DML twice; async queries are polled through /monitoring/queries/<id>
// and fetched through /queries/<id>/result; large results are served back in chunks.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlError } from '../errors.js';

export type QueryStatus = 'RUNNING' | 'SUCCESS' | 'FAILED_WITH_ERROR';

export interface QueryEntry {
  queryId: string;
  sessionId: string;
  user: string;
  sqlText: string;
  startTime: number;
  endTime?: number;
  status: QueryStatus;
  /** The response body once the query has finished (success or failure). */
  response?: unknown;
  error?: SqlError;
  /** Chunk bodies (rows joined by commas, no outer brackets), fetched with `chunkKey` (see keepChunks). */
  chunks: string[];
  /** A large result's chunks live in files instead, one per chunk. */
  chunkFiles?: string[];
  /** Cancels the statement while it runs (the driver's abort-request). */
  readonly abort: AbortController;
  /** The key of the chunk URLs, made only for a result that has chunks (most answers are inline). */
  chunkKey?: string;
  done: Promise<void>;
}

/** How many finished queries are kept (oldest first out). */
const MAX_ENTRIES = 500;
/**
 * Results with more chunk text than this keep their chunks on disk: the driver may fetch them later,
 * but a few million-row results must not hold papi local's memory for the next 500 queries.
 */
const CHUNKS_IN_MEMORY_BYTES = 1024 * 1024;

export class ResultStore {
  private readonly entries = new Map<string, QueryEntry>();
  private readonly byRequest = new Map<string, string>();
  private spillDir: string | undefined;

  /** The entry a retried request already created, if any. */
  forRequest(sessionId: string, requestId: string | null): QueryEntry | undefined {
    if (!requestId) return undefined;
    const queryId = this.byRequest.get(`${sessionId}/${requestId}`);
    return queryId === undefined ? undefined : this.entries.get(queryId);
  }

  start(sessionId: string, user: string, sqlText: string, requestId: string | null, run: (entry: QueryEntry) => Promise<void>): QueryEntry {
    const entry: QueryEntry = {
      queryId: randomUUID(),
      sessionId,
      user,
      sqlText,
      startTime: Date.now(),
      status: 'RUNNING',
      chunks: [],
      abort: new AbortController(),
      done: Promise.resolve(),
    };
    this.entries.set(entry.queryId, entry);
    if (requestId) this.byRequest.set(`${sessionId}/${requestId}`, entry.queryId);
    entry.done = run(entry).finally(() => {
      entry.endTime = Date.now();
    });
    this.evict();
    return entry;
  }

  get(queryId: string): QueryEntry | undefined {
    return this.entries.get(queryId);
  }

  /** Keeps a finished result's chunk bodies: in memory when small, else in files. */
  keepChunks(entry: QueryEntry, bodies: string[]): void {
    if (bodies.length === 0) return;
    entry.chunkKey = randomBytes(16).toString('hex');
    const size = bodies.reduce((total, body) => total + body.length, 0);
    if (size <= CHUNKS_IN_MEMORY_BYTES) {
      entry.chunks = bodies;
      return;
    }
    this.spillDir ??= mkdtempSync(join(tmpdir(), 'papi-local-results-'));
    entry.chunkFiles = bodies.map((body, index) => {
      const file = join(this.spillDir!, `${entry.queryId}.${index}`);
      writeFileSync(file, body, { mode: 0o600 });
      return file;
    });
  }

  chunk(queryId: string, index: number, key: string | null | undefined): string | undefined {
    const entry = this.entries.get(queryId);
    if (!entry || entry.chunkKey === undefined || key !== entry.chunkKey) return undefined;
    if (!entry.chunkFiles) return entry.chunks[index];
    const file = entry.chunkFiles[index];
    return file === undefined ? undefined : readFileSync(file, 'utf8');
  }

  /** Removes the chunk files (papi local stopping). */
  close(): void {
    if (this.spillDir) rmSync(this.spillDir, { recursive: true, force: true });
    this.spillDir = undefined;
  }

  private evict(): void {
    if (this.entries.size <= MAX_ENTRIES) return;
    for (const [queryId, entry] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES) break;
      if (entry.status === 'RUNNING') continue;
      this.entries.delete(queryId);
      for (const file of entry.chunkFiles ?? []) rmSync(file, { force: true });
    }
    if (this.byRequest.size > MAX_ENTRIES * 2) {
      for (const [request, queryId] of this.byRequest) if (!this.entries.has(queryId)) this.byRequest.delete(request);
    }
  }
}
