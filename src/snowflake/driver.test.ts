// The connection factory's failures without a server; logins, queries and SQL errors through the
// real driver are covered against papi local in src/local/server/server.test.ts.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AuthError, ConfigError } from '../ui/errors.js';
import { connect } from './driver.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('connect', () => {
  it('turns a refused connection to papi local into an AuthError that says to start it', async () => {
    const port = await closedPort();
    const failed = connect({ account: 'PAPI', accessUrl: `http://127.0.0.1:${port}`, user: 'PAPI', password: 'x' });
    await expect(failed).rejects.toBeInstanceOf(AuthError);
    await expect(failed).rejects.toMatchObject({ code: 'CONNECTION_FAILED', hint: expect.stringContaining('papi local start') });
  });

  it('refuses settings without an account or URL, and key-pair auth without a key file', async () => {
    await expect(connect({ user: 'U', password: 'p' })).rejects.toBeInstanceOf(ConfigError);
    await expect(connect({ account: 'A', accessUrl: 'http://127.0.0.1:1', user: 'U', authenticator: 'SNOWFLAKE_JWT' })).rejects.toBeInstanceOf(ConfigError);
  });
});
