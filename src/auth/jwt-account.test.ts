import { describe, expect, it } from 'vitest';
import { ConfigError } from '../ui/errors.js';
import { bareHost, jwtAccountFromAccount, jwtAccountFromHost, jwtAccountIdentifier } from './jwt-account.js';

describe('jwtAccountFromAccount', () => {
  it.each([
    // account locator, alone or with region / cloud (the region never goes into the JWT)
    ['xy12345', 'XY12345'],
    ['XY12345', 'XY12345'],
    ['xy12345.us-east-1', 'XY12345'],
    ['xy12345.us-east-2.aws', 'XY12345'],
    ['xy12345.east-us-2.azure', 'XY12345'],
    ['xy12345.us-central1.gcp', 'XY12345'],
    ['xy12345.us-east-1.privatelink', 'XY12345'],
    ['xy12345.privatelink', 'XY12345'],
    // organization and account name
    ['myorg-myaccount', 'MYORG-MYACCOUNT'],
    ['myorg-my_account', 'MYORG-MY_ACCOUNT'],
    ['myorg.myaccount', 'MYORG-MYACCOUNT'],
    ['MyOrg.My_Account', 'MYORG-MY_ACCOUNT'],
    ['myorg-myaccount.privatelink', 'MYORG-MYACCOUNT'],
    // replication / failover (.global): the part before the first '-'
    ['xy12345-abcdef123.global', 'XY12345'],
    ['xy12345-abcdef123.global.snowflakecomputing.com', 'XY12345'],
    // a host or URL pasted as the account
    ['myorg-myaccount.snowflakecomputing.com', 'MYORG-MYACCOUNT'],
    ['https://xy12345.us-east-2.aws.snowflakecomputing.com/', 'XY12345'],
    ['  xy12345  ', 'XY12345'],
  ])('%s → %s', (account, expected) => {
    expect(jwtAccountFromAccount(account)).toBe(expected);
  });

  it('is idempotent: a normalised account stays as it is', () => {
    for (const account of ['xy12345.us-east-2.aws', 'myorg.myaccount', 'myorg-my_account', 'xy12345-abc.global']) {
      const once = jwtAccountFromAccount(account);
      expect(jwtAccountFromAccount(once)).toBe(once);
    }
  });

  it.each(['', '   ', 'my account', 'acct;drop', '.us-east-1'])('rejects %j', (account) => {
    expect(() => jwtAccountFromAccount(account)).toThrow(ConfigError);
  });
});

describe('jwtAccountFromHost', () => {
  it.each([
    ['xy12345.snowflakecomputing.com', 'XY12345'],
    ['xy12345.us-east-2.aws.snowflakecomputing.com', 'XY12345'],
    ['xy12345.us-east-1.privatelink.snowflakecomputing.com', 'XY12345'],
    ['myorg-myaccount.snowflakecomputing.com', 'MYORG-MYACCOUNT'],
    ['myorg-myaccount.privatelink.snowflakecomputing.com', 'MYORG-MYACCOUNT'],
    ['myorg-myaccount.registry.snowflakecomputing.com', 'MYORG-MYACCOUNT'],
    ['xy12345-abcdef123.global.snowflakecomputing.com', 'XY12345'],
    ['xy12345.cn-northwest-1.snowflakecomputing.cn', 'XY12345'],
    ['https://MyOrg-MyAccount.snowflakecomputing.com:443/console/login', 'MYORG-MYACCOUNT'],
  ])('%s → %s', (host, expected) => {
    expect(jwtAccountFromHost(host)).toBe(expected);
  });

  it.each(['127.0.0.1', 'http://127.0.0.1:8080', 'localhost', 'http://[::1]:9000', ''])('cannot tell the account from %j', (host) => {
    const error = (() => {
      try {
        jwtAccountFromHost(host);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).hint).toMatch(/SNOWFLAKE_ACCOUNT/);
  });
});

describe('jwtAccountIdentifier', () => {
  it('prefers the account setting over the host', () => {
    expect(jwtAccountIdentifier({ account: 'myorg.my_account', host: 'myorg-my-account.snowflakecomputing.com' })).toBe('MYORG-MY_ACCOUNT');
    expect(jwtAccountIdentifier({ host: 'myorg-myaccount.snowflakecomputing.com' })).toBe('MYORG-MYACCOUNT');
    expect(jwtAccountIdentifier({ account: ' ', host: 'xy12345.us-east-2.aws.snowflakecomputing.com' })).toBe('XY12345');
    expect(() => jwtAccountIdentifier({})).toThrow(ConfigError);
  });
});

describe('bareHost', () => {
  it('strips scheme, credentials, port and path', () => {
    expect(bareHost('https://u:p@Host.Example.com:8443/a?b#c')).toBe('host.example.com');
    expect(bareHost('Host.Example.com:8443/path')).toBe('host.example.com');
    expect(bareHost('host.example.com')).toBe('host.example.com');
  });
});
