// A bench can outlast its ingress token (Snowflake's last an hour; papi local's can be made short):
// the token is renewed at half its remaining life, before it expires, so no request meets a 401 for
// an expired token and none is counted as an error for it. A failed renewal is retried the same way
// until the old token expires; a token without a known expiry (a PAT) is left as it is.

/** What a renewable target carries: when its token expires, and how to get the next one. */
export interface TokenRenewal {
  expiresAt?: Date;
  renew(): Promise<{ authorization: string; expiresAt?: Date }>;
}

/** Renewals come at least this far apart (a token about to expire is renewed at once, not in a loop). */
const MIN_DELAY_MS = 200;

export function keepTokenFresh(renewal: TokenRenewal, apply: (authorization: string) => void): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (expiresAt: Date | undefined) => {
    if (stopped || !expiresAt) return;
    const delay = Math.max(MIN_DELAY_MS, (expiresAt.getTime() - Date.now()) / 2);
    timer = setTimeout(() => void renew(expiresAt), delay);
    timer.unref();
  };
  const renew = async (current: Date) => {
    try {
      const next = await renewal.renew();
      if (stopped) return;
      apply(next.authorization);
      schedule(next.expiresAt);
    } catch {
      // Try again while the current token lasts; after that the 401s show in the report.
      if (current.getTime() > Date.now()) schedule(current);
    }
  };
  schedule(renewal.expiresAt);
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
