// A second client that reads the published table through the real snowflake-sdk driver, over and
// over, while faults happen: it finds papi local through local.json (the port changes when papi local
// restarts), logs in again after it was killed, and records what each read saw. A read either fails to
// reach papi local (it is down) or returns the whole old or the whole new table; a statement error
// with papi local up (the table missing, a broken catalog) is recorded apart.
import { join } from 'node:path';
import { readInstance, readPassword } from '../../local/index.js';
import { connect, type Connection } from '../../snowflake/driver.js';
import { AuthError, SnowflakeError } from '../../ui/errors.js';

import type { PublishedState } from './data-set.js';

export interface ReaderLog {
  reads: PublishedState[];
  /** Statement errors while papi local answered (never expected). */
  statementErrors: string[];
  /** Times papi local could not be reached or logged into (expected while it is down). */
  unreachable: number;
}

const READ_TIMEOUT_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  promise.catch(() => undefined);
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new AuthError(`no answer within ${ms} ms`)))]);
}

export function startReader(dataDir: string, table: string): { log: ReaderLog; stop(): Promise<ReaderLog> } {
  const log: ReaderLog = { reads: [], statementErrors: [], unreachable: 0 };
  let stopped = false;
  let conn: Connection | undefined;
  const loop = (async () => {
    while (!stopped) {
      try {
        if (!conn) {
          const instance = await readInstance(dataDir);
          const password = await readPassword(dataDir);
          if (!instance || !password) throw new AuthError('papi local is not running');
          conn = await within(connect({ account: instance.account, accessUrl: instance.accessUrl, user: instance.user, password, role: 'ACCOUNTADMIN' }), READ_TIMEOUT_MS);
        }
        const [row] = await within(conn.execute<{ N: number; S: number | null }>(`SELECT COUNT(*) AS N, SUM(USER_ID) AS S FROM ${table}`), READ_TIMEOUT_MS);
        log.reads.push({ users: Number(row!.N), idSum: Number(row!.S ?? 0) });
      } catch (error) {
        if (error instanceof SnowflakeError) log.statementErrors.push(`${error.snowflakeCode ?? '?'}: ${error.message}`);
        else log.unreachable++;
        const old = conn;
        conn = undefined;
        void old?.close().catch(() => undefined);
      }
      await sleep(100);
    }
  })();
  return {
    log,
    stop: async () => {
      stopped = true;
      await loop;
      await conn?.close().catch(() => undefined);
      return log;
    },
  };
}

export const dataDirOf = (project: string) => join(project, '.papi', 'local');
