// Runs one CALL of a JavaScript stored procedure: a worker thread per call (its own heap, capped like
// Snowflake caps a procedure's memory), whose synchronous snowflake.execute() requests this thread
// serves through the engine (sandbox.ts has the worker's side).
import { randomUUID } from 'node:crypto';
import { MessageChannel, Worker } from 'node:worker_threads';
import { SqlError } from '../../errors.js';
import type { Bind, Column, StatementResult } from '../types.js';
import { snowflakeApi, workerMain, type SandboxData } from './sandbox.js';

/** How many cells one reply carries at most: a 1M-row read is ~10 round trips of a few MB each. */
const CHUNK_CELLS = 300_000;

/** What a row the ResultSet has moved past is replaced with. */
const PASSED: Array<string | null> = [];

/** The returned value as the sandbox encodes it (sandbox.ts encode). */
export interface ReturnedValue {
  kind: 'null' | 'number' | 'string' | 'boolean' | 'date' | 'binary' | 'json';
  text?: string;
  /** json: String(value) (what a VARCHAR result gets). */
  string?: string;
  /** date: the instant in ISO 8601. */
  iso?: string;
}

export interface ProcedureCall {
  name: string;
  body: string;
  argNames: string[];
  /** The evaluated arguments: a one-row result whose columns carry their types. */
  args: { columns: Column[]; row: Array<string | null> };
  /** The worker's heap cap (resourceLimits.maxOldGenerationSizeMb). */
  memoryMb: number;
  /** Runs one statement of the body in the procedure's session. */
  execute(sqlText: string, binds: Bind[]): Promise<StatementResult>;
  signal?: AbortSignal;
}

/** Snowflake's failure of a JavaScript procedure (100132: a JavaScript error the body did not catch). */
function javascriptError(name: string, body: string, text: string, stack: string): SqlError {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  if (!at) return new SqlError('100132', 'P0000', `JavaScript execution error: Uncaught ${text} in ${name}`);
  const line = Number(at[1]);
  const source = body.split('\n')[line - 1]?.trim() ?? '';
  return new SqlError('100132', 'P0000', `JavaScript execution error: Uncaught ${text} in ${name} at '${source}' position ${Number(at[2]) - 1}\nstackstrace: \n${name} line: ${line}`);
}

/** Runs the procedure's body; its value, or the SqlError Snowflake reports for the failure. */
export function runProcedure(call: ProcedureCall): Promise<ReturnedValue> {
  const { port1: host, port2: guest } = new MessageChannel();
  const flag = new SharedArrayBuffer(4);
  const signal = new Int32Array(flag);
  const data: SandboxData = {
    port: guest,
    flag,
    name: call.name,
    body: call.body,
    argNames: call.argNames,
    argsJson: JSON.stringify({ columns: call.args.columns, rows: [call.args.row] }),
    api: snowflakeApi.toString(),
  };
  const worker = new Worker(`(${workerMain.toString()})(require('node:worker_threads'), require('node:vm'))`, {
    eval: true,
    workerData: data,
    transferList: [guest],
    resourceLimits: { maxOldGenerationSizeMb: call.memoryMb },
  });
  const results = new Map<number, StatementResult & { kind: 'rows' }>();
  const releasedUpTo = new Map<number, number>();
  let nextHandle = 1;

  const chunk = (result: StatementResult & { kind: 'rows' }, offset: number) => {
    const size = Math.max(1, Math.floor(CHUNK_CELLS / Math.max(1, result.columns.length)));
    return JSON.stringify(result.rows.slice(offset, offset + size));
  };

  const serve = async (request: { op: string; sqlText?: string; binds?: Bind[]; handle?: number; offset?: number }): Promise<object> => {
    if (request.op === 'fetch') {
      const result = results.get(request.handle!);
      if (!result) return { rows: '[]' };
      // A ResultSet only moves forward: the rows it has passed can go (a 10M-row read need not hold them all).
      const released = releasedUpTo.get(request.handle!) ?? 0;
      for (let i = released; i < request.offset!; i++) result.rows[i] = PASSED;
      releasedUpTo.set(request.handle!, Math.max(released, request.offset!));
      return { rows: chunk(result, request.offset!) };
    }
    try {
      const result = await call.execute(request.sqlText!, request.binds ?? []);
      if (result.kind !== 'rows') throw new SqlError('002040', '0A000', `SQL compilation error:\nUnsupported feature '${request.sqlText!.trim().split(/\s+/)[0]!.toUpperCase()} in a stored procedure'.`);
      const handle = nextHandle++;
      results.set(handle, result);
      return { ok: true, handle, queryId: randomUUID(), columns: result.columns, rowCount: result.rows.length, statementTypeId: result.statementTypeId, rows: chunk(result, 0) };
    } catch (error) {
      const e = error instanceof SqlError ? error : new SqlError('100132', 'P0000', String((error as Error)?.message ?? error));
      return { ok: false, code: e.code, state: e.sqlState, message: e.message };
    }
  };

  host.on('message', (request: string) => {
    // The worker sleeps until a reply comes: whatever happens, one comes.
    void Promise.resolve()
      .then(() => serve(JSON.parse(request) as Parameters<typeof serve>[0]))
      .catch((error: unknown) => ({ ok: false, code: '100132', state: 'P0000', message: `papi local could not serve the request: ${String((error as Error)?.message ?? error)}` }))
      .then((reply) => {
        host.postMessage(JSON.stringify(reply));
        Atomics.store(signal, 0, 1);
        Atomics.notify(signal, 0);
      });
  });

  return new Promise<ReturnedValue>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      call.signal?.removeEventListener('abort', onAbort);
      host.close();
      void worker.terminate();
      outcome();
    };
    const onAbort = () => finish(() => reject(new SqlError('000604', '57014', 'SQL execution canceled')));
    call.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: { ok: boolean; value?: string; compile?: boolean; line?: number; sql?: boolean; code?: number; state?: string; message?: string; stackTraceTxt?: string; text?: string; stack?: string }) => {
      if (message.ok) return finish(() => resolve(JSON.parse(message.value!) as ReturnedValue));
      if (message.compile) {
        // The body does not compile (Snowflake checks it at the first CALL, not at CREATE). Code unverified.
        const source = call.body.split('\n')[(message.line ?? 0) - 1]?.trim() ?? '';
        return finish(() => reject(new SqlError('100131', 'P0000', `JavaScript compilation error: Uncaught ${message.text} in ${call.name} at '${source}'`)));
      }
      if (message.sql)
        return finish(() => reject(new SqlError('100183', 'P0000', `Execution error in store procedure ${call.name}:\n${message.message}\n${message.stackTraceTxt}`)));
      finish(() => reject(javascriptError(call.name, call.body, message.text ?? '', message.stack ?? '')));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY')
        return finish(() => reject(new SqlError('100176', 'P0000', `JavaScript out of memory error: ${call.name} used more than the ${call.memoryMb} MB a stored procedure may use.`)));
      finish(() => reject(new SqlError('100132', 'P0000', `JavaScript execution error: ${error.message} in ${call.name}`)));
    });
    worker.on('exit', () => finish(() => reject(new SqlError('100132', 'P0000', `JavaScript execution error: the procedure ${call.name} stopped without an answer`))));
  });
}
