import { describe, expect, it } from 'vitest';
import { accountUrlOf, hostProblem, isLoopbackHost } from './account-url.js';

describe('accountUrlOf', () => {
  it('builds the URL from host, protocol and port as the Snowflake CLI and the drivers do', () => {
    expect(accountUrlOf({ host: '127.0.0.1', port: 8080, protocol: 'http' })).toBe('http://127.0.0.1:8080');
    expect(accountUrlOf({ host: 'myorg-acct.snowflakecomputing.com' })).toBe('https://myorg-acct.snowflakecomputing.com');
    expect(accountUrlOf({ account: 'myorg-acct', port: 443 })).toBe('https://myorg-acct.snowflakecomputing.com:443');
  });

  it('adds the region to a locator without one, never twice', () => {
    expect(accountUrlOf({ account: 'xy12345', region: 'us-east-2.aws' })).toBe('https://xy12345.us-east-2.aws.snowflakecomputing.com');
    expect(accountUrlOf({ account: 'xy12345.eu-west-1', region: 'us-east-2' })).toBe('https://xy12345.eu-west-1.snowflakecomputing.com');
  });

  it('keeps a host written as a URL', () => {
    expect(accountUrlOf({ host: 'http://127.0.0.1:9/' })).toBe('http://127.0.0.1:9');
    expect(accountUrlOf({})).toBeUndefined();
  });
});

describe('hostProblem', () => {
  it('names what is wrong with a host', () => {
    expect(hostProblem({ host: 'a.snowflakecomputing.com' })).toBeUndefined();
    expect(hostProblem({ host: '127.0.0.1:8080' })).toMatch(/port = 8080/);
    expect(hostProblem({ host: 'https://a.example.com/path' })).toMatch(/has a path/);
    expect(hostProblem({ host: 'https://a.example.com', port: 8080 })).toMatch(/port and protocol would be ignored/);
    expect(hostProblem({ host: 'not a host' })).toMatch(/is not a host name/);
  });
});

describe('isLoopbackHost', () => {
  it('is localhost, an address in 127.0.0.0/8 or ::1, not a name that starts like one', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['127.0.0.1.example.com', '127.evil.example', 'example.com', '10.0.0.5', '[::2]']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
