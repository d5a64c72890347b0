// Query executions kept for a while after they finish: a retried request (same requestId) gets the
// first answer and never runs DML twice; async queries are polled through /monitoring/queries/<id>
// and fetched through /queries/<id>/result; large results are served back in chunks.
import { randomBytes, randomUUID } from 'node:crypto';
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
  /** Chunk bodies (rows joined by commas, no outer brackets), fetched with `chunkKey`. */
  chunks: string[];
  chunkKey: string;
  done: Promise<void>;
}

/** How many finished queries are kept (oldest first out). */
const MAX_ENTRIES = 500;

export class ResultStore {
  private readonly entries = new Map<string, QueryEntry>();
  private readonly byRequest = new Map<string, string>();

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
      chunkKey: randomBytes(16).toString('hex'),
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

  chunk(queryId: string, index: number, key: string | null): string | undefined {
    const entry = this.entries.get(queryId);
    if (!entry || key !== entry.chunkKey) return undefined;
    return entry.chunks[index];
  }

  private evict(): void {
    if (this.entries.size <= MAX_ENTRIES) return;
    for (const [queryId, entry] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES) break;
      if (entry.status === 'RUNNING') continue;
      this.entries.delete(queryId);
    }
    if (this.byRequest.size > MAX_ENTRIES * 2) {
      for (const [request, queryId] of this.byRequest) if (!this.entries.has(queryId)) this.byRequest.delete(request);
    }
  }
}
