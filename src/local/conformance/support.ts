// What every conformance file needs: papi local on a temp data directory, connections through papi's
// driver factory (the real snowflake-sdk), and the raw driver error behind a failed call, where the
// code and SQLSTATE are exactly what the driver surfaced.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConnectionParams } from '../../config/types.js';
import { connect, type Connection } from '../../snowflake/driver.js';
import { startLocal, type LocalSnowflake, type StartLocalOptions } from '../index.js';

export interface LocalUnderTest {
  local: LocalSnowflake;
  dir: string;
  /** A scratch directory beside the data directory (files to PUT, keys). */
  scratch: string;
  /** Stops papi local and starts it again on the same data directory. */
  restart(): Promise<LocalSnowflake>;
  close(): Promise<void>;
}

export async function startLocalUnderTest(prefix: string, options: Partial<StartLocalOptions> = {}): Promise<LocalUnderTest> {
  const dir = mkdtempSync(path.join(tmpdir(), `papi-${prefix}-`));
  const dataDir = path.join(dir, 'data');
  const scratch = mkdtempSync(path.join(dir, 'files-'));
  const local = await startLocal({ dataDir, password: 'conformance-pw', ...options }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const target: LocalUnderTest = {
    local,
    dir,
    scratch,
    async restart() {
      await target.local.close();
      target.local = await startLocal({ dataDir, password: 'conformance-pw', ...options });
      return target.local;
    },
    async close() {
      await target.local.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return target;
}

export function adminParams(local: LocalSnowflake, more: Partial<ConnectionParams> = {}): ConnectionParams {
  return { account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password, ...more };
}

export function connectAdmin(local: LocalSnowflake, more: Partial<ConnectionParams> = {}): Promise<Connection> {
  return connect(adminParams(local, more));
}

/** What the driver itself raised: papi's typed errors keep it as `cause`. */
export interface DriverFailure {
  code?: string | number;
  sqlState?: string;
  message: string;
}

export async function driverFailure(promise: Promise<unknown>): Promise<DriverFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!error) throw new Error('expected the call to fail, it succeeded');
  const cause = ((error as { cause?: unknown }).cause ?? error) as { code?: string | number; sqlState?: string; message?: string };
  return { code: cause.code, sqlState: cause.sqlState, message: String(cause.message ?? error) };
}

/** An RSA key pair: the private key written 0600 in `dir`, the public key as ALTER USER wants it. */
export function rsaKeyPair(dir: string, name: string): { privateKeyPath: string; publicBody: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPath = path.join(dir, `${name}.p8`);
  writeFileSync(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { privateKeyPath, publicBody: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}
