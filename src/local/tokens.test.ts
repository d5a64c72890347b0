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
    // The remembered claims are shared: nobody can change them.
    expect(Object.isFrozen(clocked.verify(clocked.issue({ kind: 'oauth', user: 'U', role: 'R' }, 10), 'oauth'))).toBe(true);
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
