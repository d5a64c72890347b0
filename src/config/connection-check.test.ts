import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../ui/errors.js';
import { effectiveAuthenticator, missingConnectionSettings, requireConnection } from './connection-check.js';
import { loadConfig } from './load.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function configWith(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'papi-conn-'));
  temps.push(dir);
  return loadConfig({ cwd: dir, env: { HOME: dir, ...env }, warn: () => {}, debug: () => {} });
}

describe('connection completeness', () => {
  it('infers the authenticator from what is configured', () => {
    expect(effectiveAuthenticator({ privateKeyPath: '/k.p8' })).toBe('SNOWFLAKE_JWT');
    expect(effectiveAuthenticator({ token: 't' })).toBe('OAUTH');
    expect(effectiveAuthenticator({ password: 'p' })).toBe('SNOWFLAKE');
    expect(effectiveAuthenticator({ authenticator: 'PROGRAMMATIC_ACCESS_TOKEN', password: 'p' })).toBe('PROGRAMMATIC_ACCESS_TOKEN');
  });

  it('names what is missing for each way to log in', () => {
    expect(missingConnectionSettings({})).toEqual(['account', 'user', 'password']);
    expect(missingConnectionSettings({ account: 'a', user: 'u', authenticator: 'SNOWFLAKE_JWT' })).toEqual(['privateKeyPath']);
    expect(missingConnectionSettings({ account: 'a', authenticator: 'OAUTH' })).toEqual(['token']);
    expect(missingConnectionSettings({ account: 'a', user: 'u', privateKeyPath: '/k.p8' })).toEqual([]);
  });

  it('requireConnection explains where to set what is missing, and ignores papi local', async () => {
    requireConnection(await configWith({}));
    const config = await configWith({ SNOWFLAKE_ACCOUNT: 'acct' });
    let error: unknown;
    try {
      requireConnection(config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'the Snowflake connection "default" (target snowflake from SNOWFLAKE_ACCOUNT) is missing connection.user, connection.password',
    );
    expect((error as ConfigError).hint).toContain('SNOWFLAKE_USER');
    expect((error as ConfigError).hint).toContain('PAPI_TARGET=local');
    requireConnection(await configWith({ SNOWFLAKE_ACCOUNT: 'acct', SNOWFLAKE_USER: 'u', SNOWFLAKE_PASSWORD: 'p' }));
  });
});
