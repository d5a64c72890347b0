// Programmatic access tokens in the engine: ADD shows the secret once and stores only its hash, SHOW
// lists the tokens without it, the lookup the login and ingress use follows removal, expiry, the
// user's state and the role restriction.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failure, harness, run, session, type Harness } from './__tests__/harness.js';

let h: Harness;

beforeEach(async () => {
  h = await harness();
  for (const sql of [
    'CREATE ROLE APP_ROLE',
    'CREATE ROLE OTHER_ROLE',
    'CREATE USER SVC TYPE = SERVICE DEFAULT_ROLE = APP_ROLE',
    'GRANT ROLE APP_ROLE TO USER SVC',
    "CREATE USER ALICE PASSWORD = 'a' DEFAULT_ROLE = APP_ROLE",
    'GRANT ROLE APP_ROLE TO USER ALICE',
  ])
    await run(h.engine, h.admin, sql);
});

afterEach(async () => {
  vi.useRealTimers();
  await h.cleanup();
});

async function addToken(sql: string, as = h.admin): Promise<string> {
  const [row] = await run(h.engine, as, sql);
  expect(Object.keys(row!)).toEqual(['token_name', 'token_secret']);
  return row!.token_secret!;
}

describe('programmatic access tokens', () => {
  it('returns the secret once, keeps only its hash, and lists the token without it', async () => {
    const secret = await addToken("ALTER USER SVC ADD PROGRAMMATIC ACCESS TOKEN DEMO ROLE_RESTRICTION = 'app_role' DAYS_TO_EXPIRY = 7 COMMENT = 'for papi get'");
    expect(secret.length).toBeGreaterThanOrEqual(40);
    const catalog = readFileSync(join(h.dataDir, 'catalog.json'), 'utf8');
    expect(catalog).not.toContain(secret);
    expect(catalog).toContain('"secretHash"');

    const [listed] = await run(h.engine, h.admin, 'SHOW USER PATS FOR USER SVC');
    expect(listed).toMatchObject({ name: 'DEMO', user_name: 'SVC', role_restriction: 'APP_ROLE', status: 'ACTIVE', comment: 'for papi get', created_by: 'ADMIN', mins_to_bypass_required_network_policy: '0' });
    const days = (Number(listed!.expires_at) - Number(listed!.created_on)) / 86_400;
    expect(days).toBeCloseTo(7, 5);
    expect(Object.values(listed!)).not.toContain(secret);

    expect(h.engine.verifyProgrammaticAccessToken(secret)).toEqual({ user: 'SVC', role: 'APP_ROLE', restricted: true });
    expect(h.engine.verifyProgrammaticAccessToken(`${secret}x`)).toBeUndefined();
    expect(h.engine.verifyProgrammaticAccessToken('')).toBeUndefined();
  });

  it('is refused once removed, and a second REMOVE fails', async () => {
    const secret = await addToken("ALTER USER SVC ADD PAT DEMO ROLE_RESTRICTION = 'APP_ROLE'");
    expect((await failure(h.engine, h.admin, "ALTER USER SVC ADD PAT DEMO ROLE_RESTRICTION = 'APP_ROLE'")).code).toBe('002002');
    expect(await run(h.engine, h.admin, "ALTER USER SVC ADD PAT IF NOT EXISTS DEMO ROLE_RESTRICTION = 'APP_ROLE'")).toEqual([{ status: 'DEMO already exists, statement succeeded.' }]);
    await run(h.engine, h.admin, 'ALTER USER SVC REMOVE PROGRAMMATIC ACCESS TOKEN DEMO');
    expect(h.engine.verifyProgrammaticAccessToken(secret)).toBeUndefined();
    expect(await run(h.engine, h.admin, 'SHOW USER PATS FOR USER SVC')).toEqual([]);
    expect((await failure(h.engine, h.admin, 'ALTER USER SVC REMOVE PAT DEMO')).code).toBe('002003');
  });

  it('expires after DAYS_TO_EXPIRY (default 15)', async () => {
    const short = await addToken("ALTER USER SVC ADD PAT SHORT ROLE_RESTRICTION = 'APP_ROLE' DAYS_TO_EXPIRY = 1");
    const standard = await addToken("ALTER USER SVC ADD PAT STANDARD ROLE_RESTRICTION = 'APP_ROLE'");
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * 86_400_000);
    expect(h.engine.verifyProgrammaticAccessToken(short)).toBeUndefined();
    expect(h.engine.verifyProgrammaticAccessToken(standard)).toMatchObject({ user: 'SVC' });
    const statuses = await run(h.engine, h.admin, 'SHOW USER PATS FOR USER SVC');
    expect(statuses.map((t) => [t.name, t.status])).toEqual([['SHORT', 'EXPIRED'], ['STANDARD', 'ACTIVE']]);
    vi.setSystemTime(Date.now() + 14 * 86_400_000);
    expect(h.engine.verifyProgrammaticAccessToken(standard)).toBeUndefined();
  });

  it('follows the user: disabled users and revoked restrictions are refused, no restriction means the default role', async () => {
    const restricted = await addToken("ALTER USER SVC ADD PAT R ROLE_RESTRICTION = 'APP_ROLE'");
    const alice = session('ALICE', 'APP_ROLE');
    const own = await addToken('ALTER USER ADD PAT MINE', alice);
    expect(h.engine.verifyProgrammaticAccessToken(own)).toEqual({ user: 'ALICE', role: 'APP_ROLE', restricted: false });
    expect((await run(h.engine, alice, 'SHOW USER PROGRAMMATIC ACCESS TOKENS')).map((t) => t.name)).toEqual(['MINE']);

    await run(h.engine, h.admin, 'ALTER USER ALICE SET DISABLED = TRUE');
    expect(h.engine.verifyProgrammaticAccessToken(own)).toBeUndefined();
    expect((await run(h.engine, h.admin, 'SHOW USER PATS FOR USER ALICE'))[0]?.status).toBe('DISABLED');

    await run(h.engine, h.admin, 'REVOKE ROLE APP_ROLE FROM USER SVC');
    expect(h.engine.verifyProgrammaticAccessToken(restricted)).toBeUndefined();
  });

  it("checks the statement: privileges on another user's tokens, the role restriction, the expiry range", async () => {
    const alice = session('ALICE', 'APP_ROLE');
    expect((await failure(h.engine, alice, "ALTER USER SVC ADD PAT X ROLE_RESTRICTION = 'APP_ROLE'")).code).toBe('003001');
    expect((await failure(h.engine, alice, 'SHOW USER PATS FOR USER SVC')).code).toBe('003001');
    expect((await failure(h.engine, h.admin, 'ALTER USER SVC ADD PAT X')).message).toMatch(/ROLE_RESTRICTION is required/);
    expect((await failure(h.engine, h.admin, "ALTER USER SVC ADD PAT X ROLE_RESTRICTION = 'OTHER_ROLE'")).message).toMatch(/not granted/);
    expect((await failure(h.engine, h.admin, "ALTER USER SVC ADD PAT X ROLE_RESTRICTION = 'APP_ROLE' DAYS_TO_EXPIRY = 0")).message).toMatch(/DAYS_TO_EXPIRY/);
    expect((await failure(h.engine, h.admin, "ALTER USER SVC ADD PAT X ROLE_RESTRICTION = 'APP_ROLE' DAYS_TO_EXPIRY = 366")).message).toMatch(/DAYS_TO_EXPIRY/);
    expect((await failure(h.engine, h.admin, 'ALTER USER NOBODY ADD PAT X')).code).toBe('002003');
    expect(await run(h.engine, h.admin, 'ALTER USER IF EXISTS NOBODY ADD PAT X')).toEqual([{ status: 'Statement executed successfully.' }]);
  });
});
