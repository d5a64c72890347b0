import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenAuthority, LocalTokenAuthority, loadSecretKey, SECRET_KEY_FILE } from './tokens.js';

const dir = mkdtempSync(path.join(tmpdir(), 'papi-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalTokenAuthority', () => {
  it('round-trips OAuth claims and refuses forged, foreign, expired and wrong-kind tokens', async () => {
    const tokens = await createTokenAuthority(dir);
    const token = tokens.issueOAuthToken({ user: 'SVC', role: 'DATA_API_ROLE', audience: 'abc.local' }, 60);
    expect(tokens.verifyOAuthToken(token)).toEqual({ user: 'SVC', role: 'DATA_API_ROLE', audience: 'abc.local' });

    const [header, payload, signature] = token.split('.');
    const tampered = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    tampered.role = 'ACCOUNTADMIN';
    expect(tokens.verifyOAuthToken(`${header}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`)).toBeUndefined();

    const other = new LocalTokenAuthority(Buffer.alloc(32, 7));
    expect(other.verifyOAuthToken(token)).toBeUndefined();

    let now = Date.now();
    const clocked = new LocalTokenAuthority(await loadSecretKey(dir), undefined, () => now);
    const short = clocked.issueOAuthToken({ user: 'SVC', role: 'R' }, 10);
    now += 11_000;
    expect(clocked.verify(short, 'oauth')).toBe('expired');
    expect(tokens.verify(token, 'session')).toBeUndefined();
  });

  it('checks each token signature once, yet refuses a remembered token at once when it expires, for another kind, or as a removed PAT', async () => {
    let now = Date.now();
    const tokens = new LocalTokenAuthority(await loadSecretKey(dir), undefined, () => now);
    const token = tokens.issueOAuthToken({ user: 'SVC', role: 'DATA_API_ROLE', audience: 'abc.local' }, 10);
    // The ingress checks the same token on every request: one HMAC, whatever the count.
    for (let i = 0; i < 5; i++) expect(tokens.verifyOAuthToken(token)).toEqual({ user: 'SVC', role: 'DATA_API_ROLE', audience: 'abc.local' });
    expect(tokens.signatureChecks).toBe(1);
    // A caller changing the claims it got changes nothing remembered.
    (tokens.verify(token, 'oauth') as { role: string }).role = 'ACCOUNTADMIN';
    expect(tokens.verifyOAuthToken(token)?.role).toBe('DATA_API_ROLE');
    // Remembered, still only good as what it is.
    expect(tokens.verify(token, 'session')).toBeUndefined();
    // Expiry is checked on every use: an access token is good for its validity only
    // (OAUTH_ACCESS_TOKEN_VALIDITY, https://docs.snowflake.com/en/sql-reference/sql/create-security-integration-oauth-snowflake).
    now += 11_000;
    expect(tokens.verify(token, 'oauth')).toBe('expired');
    expect(tokens.verifyOAuthToken(token)).toBeUndefined();
    // A forged token is never remembered as good.
    const [header, payload] = token.split('.');
    expect(tokens.verifyOAuthToken(`${header}.${payload}.forged`)).toBeUndefined();
    expect(tokens.verifyOAuthToken(`${header}.${payload}.forged`)).toBeUndefined();
    // A removed programmatic access token is refused at the next request: revoked tokens cannot be
    // used to authenticate (https://docs.snowflake.com/en/sql-reference/sql/alter-user-remove-programmatic-access-token).
    const catalog = new Map([['pat-secret', { user: 'SVC', role: 'DATA_API_ROLE', restricted: true }]]);
    tokens.attachProgrammaticAccessTokens((secret) => catalog.get(secret));
    expect(tokens.verifyOAuthToken('pat-secret')).toEqual({ user: 'SVC', role: 'DATA_API_ROLE' });
    catalog.delete('pat-secret');
    expect(tokens.verifyOAuthToken('pat-secret')).toBeUndefined();
  });

  it('checks the kind and the time on every call, also for a token whose signature it remembers', async () => {
    let now = Date.now();
    const clocked = new LocalTokenAuthority(await loadSecretKey(dir), undefined, () => now);
    const session = clocked.issue({ kind: 'session', sid: '1', user: 'U' }, 10);
    expect(clocked.verify(session, 'session')).toMatchObject({ sid: '1', user: 'U' });
    expect(clocked.verify(session, 'session')).toMatchObject({ sid: '1', user: 'U' });
    expect(clocked.verify(session, 'master')).toBeUndefined();
    now += 11_000;
    expect(clocked.verify(session, 'session')).toBe('expired');
    // A tampered copy of a remembered token is checked on its own.
    const [header, payload, signature] = session.split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), exp: 2 ** 40 })).toString('base64url');
    expect(clocked.verify(`${header}.${tampered}.${signature}`, 'session')).toBeUndefined();
  });

  it('keeps one secret key per data directory, mode 0600', async () => {
    const first = await loadSecretKey(dir);
    expect(await loadSecretKey(dir)).toEqual(first);
    expect(statSync(path.join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it("accepts a programmatic access token where an OAuth token goes, through the catalog's lookup", async () => {
    const tokens = await createTokenAuthority(dir);
    expect(tokens.verifyOAuthToken('pat-secret')).toBeUndefined();
    const catalog = new Map([['pat-secret', { user: 'SVC', role: 'DATA_API_ROLE', restricted: true }]]);
    tokens.attachProgrammaticAccessTokens((secret) => catalog.get(secret));
    // No audience: a PAT is good for any endpoint its role may use.
    expect(tokens.verifyOAuthToken('pat-secret')).toEqual({ user: 'SVC', role: 'DATA_API_ROLE' });
    expect(tokens.verifyProgrammaticAccessToken('pat-secret')).toEqual({ user: 'SVC', role: 'DATA_API_ROLE', restricted: true });
    expect(tokens.verifyOAuthToken('other')).toBeUndefined();
    // OAuth tokens verify as before; a PAT is not a session token.
    const oauth = tokens.issueOAuthToken({ user: 'PAPI', role: 'SYSADMIN' }, 60);
    expect(tokens.verifyOAuthToken(oauth)).toEqual({ user: 'PAPI', role: 'SYSADMIN' });
    expect(tokens.verifySessionToken('pat-secret')).toBeUndefined();
  });

  it('verifies a session token only while its session lives', async () => {
    const tokens = await createTokenAuthority(dir);
    const live = new Map([['7', { user: 'PAPI', role: 'SYSADMIN' }]]);
    tokens.attachSessions((sid) => live.get(sid));
    const token = tokens.issue({ kind: 'session', sid: '7', user: 'PAPI' }, 60);
    expect(tokens.verifySessionToken(token)).toEqual({ user: 'PAPI', role: 'SYSADMIN' });
    live.delete('7');
    expect(tokens.verifySessionToken(token)).toBeUndefined();
  });
});
