// Programmatic Access Tokens: a PAT in the environment is sent to ingress as it is, with no key pair,
// JWT or exchange. SNOWFLAKE_PAT (the name Snowflake's tools use) wins over PAPI_PAT.
import { tryDecodeJwtExpiry } from './jwt.js';

export const PAT_ENV_VARS = ['SNOWFLAKE_PAT', 'PAPI_PAT'] as const;
export type PatEnvVar = (typeof PAT_ENV_VARS)[number];

export interface EnvironmentToken {
  token: string;
  /** The variable it came from, for --verbose (never the value). */
  source: PatEnvVar;
  /** Known only when the PAT is a JWT with an exp. */
  expiresAt?: Date;
}

export function tokenFromEnvironment(env: Record<string, string | undefined>): EnvironmentToken | undefined {
  for (const name of PAT_ENV_VARS) {
    const token = env[name]?.trim();
    if (token) {
      const expiresAt = tryDecodeJwtExpiry(token);
      return expiresAt ? { token, source: name, expiresAt } : { token, source: name };
    }
  }
  return undefined;
}
