// SQL API sessions: the SessionState the engine reads and changes, and the session and master tokens
// that stand for it. Tokens are signed (src/local/tokens.ts) and name their session: an expired token
// answers 390112 (the driver renews with the master token), an expired master 390114 (log in again).
// A token of a session this process does not know (e.g. from before a restart) counts as expired,
// so the driver's renewal fails cleanly with 390114 instead of hanging.
import { randomInt } from 'node:crypto';
import type { SessionState } from '../engine/types.js';
import { ErrorCode, SqlError } from '../errors.js';
import type { LocalTokenAuthority } from '../tokens.js';

export interface Session {
  /** Snowflake's session ids are numbers; the driver only echoes them. */
  id: string;
  state: SessionState;
  createdAt: number;
  lastUsed: number;
}

export interface SessionTokens {
  token: string;
  masterToken: string;
  validityInSeconds: number;
  masterValidityInSeconds: number;
}

export function sessionExpired(): SqlError {
  return new SqlError(ErrorCode.sessionExpired, '08001', 'Session token has expired. The user must authenticate again.');
}

export function masterExpired(): SqlError {
  return new SqlError(ErrorCode.masterExpired, '08001', 'Authentication token has expired.  The user must authenticate again.');
}

function tokenInvalid(): SqlError {
  return new SqlError(ErrorCode.sessionTokenInvalid, '08001', 'Session token is invalid.');
}

export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  private nextId = randomInt(1, 2 ** 40) * 1000;

  constructor(readonly tokens: LocalTokenAuthority) {
    tokens.attachSessions((sid) => {
      const session = this.sessions.get(sid);
      return session ? { user: session.state.user, role: session.state.role } : undefined;
    });
  }

  open(state: SessionState): { session: Session; tokens: SessionTokens } {
    this.prune();
    const now = Date.now();
    const session: Session = { id: String(++this.nextId), state, createdAt: now, lastUsed: now };
    this.sessions.set(session.id, session);
    return { session, tokens: this.issueTokens(session) };
  }

  /** The session behind `Authorization: Snowflake Token="…"`. */
  authenticate(token: string | undefined): Session {
    if (token === undefined || token === '') throw tokenInvalid();
    const claims = this.tokens.verify(token, 'session');
    if (claims === undefined) throw tokenInvalid();
    if (claims === 'expired') throw sessionExpired();
    const session = claims.sid === undefined ? undefined : this.sessions.get(claims.sid);
    if (!session) throw sessionExpired();
    session.lastUsed = Date.now();
    return session;
  }

  /** RENEW: a fresh session token (and master token) for the master token's session. */
  renew(masterToken: string | undefined): { session: Session; tokens: SessionTokens } {
    const claims = masterToken ? this.tokens.verify(masterToken, 'master') : undefined;
    if (claims === undefined || claims === 'expired') throw masterExpired();
    const session = claims.sid === undefined ? undefined : this.sessions.get(claims.sid);
    if (!session) throw masterExpired();
    session.lastUsed = Date.now();
    return { session, tokens: this.issueTokens(session) };
  }

  /**
   * ISSUE: a session token for a new session with the same user and role (the registry's
   * `0sessiontoken` login uses it). A session of its own, so it outlives the caller's logout.
   */
  issueSessionToken(from: Session): { session: Session; token: string; validityInSeconds: number } {
    const { session, tokens } = this.open({ ...from.state, parameters: { ...from.state.parameters } });
    return { session, token: tokens.token, validityInSeconds: tokens.validityInSeconds };
  }

  /** The session a session or master token belongs to (token-request accepts either). */
  sessionOfAnyToken(token: string | undefined): Session {
    if (token) {
      const master = this.tokens.verify(token, 'master');
      if (master !== undefined && master !== 'expired' && master.sid !== undefined) {
        const session = this.sessions.get(master.sid);
        if (session) return session;
      }
    }
    return this.authenticate(token);
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Forgets sessions unused for longer than a master token lives: nobody can renew them any more. */
  private prune(): void {
    const cutoff = Date.now() - this.tokens.lifetimes.masterSeconds * 1000;
    for (const [id, session] of this.sessions) if (session.lastUsed < cutoff) this.sessions.delete(id);
  }

  private issueTokens(session: Session): SessionTokens {
    const { sessionSeconds, masterSeconds } = this.tokens.lifetimes;
    return {
      token: this.tokens.issue({ kind: 'session', sid: session.id, user: session.state.user }, sessionSeconds),
      masterToken: this.tokens.issue({ kind: 'master', sid: session.id, user: session.state.user }, masterSeconds),
      validityInSeconds: sessionSeconds,
      masterValidityInSeconds: masterSeconds,
    };
  }
}
