import { describe, expect, it } from 'vitest';
import { isDeployedEndpoint } from './url-token.js';

describe('isDeployedEndpoint (#17.7)', () => {
  const deployment = { url: 'http://127.0.0.1:41234', endpointHost: '127.0.0.1:41234' };
  it('is the URL papi printed, with or without a path or trailing slash, localhost for 127.0.0.1', () => {
    for (const url of ['http://127.0.0.1:41234', 'http://127.0.0.1:41234/', 'http://localhost:41234/customer', 'HTTP://127.0.0.1:41234'])
      expect(isDeployedEndpoint(url, deployment), url).toBe(true);
  });
  it('is not another port, host or a papi dev URL: no token goes there', () => {
    for (const url of ['http://127.0.0.1:8001', 'http://example.com:41234', 'not a url']) expect(isDeployedEndpoint(url, deployment), url).toBe(false);
  });
  it('matches an SPCS ingress host', () => {
    expect(isDeployedEndpoint('https://abc-org-acct.snowflakecomputing.app/', { url: 'https://abc-org-acct.snowflakecomputing.app', endpointHost: 'abc-org-acct.snowflakecomputing.app' })).toBe(true);
  });
});
