// The registry's own bearer tokens, issued by GET /login after a session-token login. They only say
// who the user is; privileges are checked against the catalog on every request (as Snowflake does),
// so a revoked grant takes effect at once. HMAC-SHA256 with a key that lives as long as the process:
// after a restart clients simply log in again through the challenge.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class RegistryTokens {
  private readonly key = randomBytes(32);

  issue(user: string, ttlSeconds: number): string {
    const payload = Buffer.from(JSON.stringify({ u: user, e: Math.floor(Date.now() / 1000) + ttlSeconds })).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The user, or undefined when the token is malformed, forged or expired. */
  verify(token: string): string | undefined {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { u?: unknown; e?: unknown };
      if (typeof claims.u !== 'string' || typeof claims.e !== 'number' || claims.e * 1000 <= Date.now()) return undefined;
      return claims.u;
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
