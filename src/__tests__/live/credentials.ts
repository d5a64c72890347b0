// When may the live tier run? Only with a real account: SNOWFLAKE_ACCOUNT and a credential in the
// environment, or PAPI_LIVE_CONNECTION naming a connection in connections.toml.

const SECRETS = ['SNOWFLAKE_PASSWORD', 'SNOWFLAKE_PRIVATE_KEY_FILE', 'SNOWFLAKE_PRIVATE_KEY_PATH', 'SNOWFLAKE_TOKEN', 'SNOWFLAKE_TOKEN_FILE_PATH'];

export interface LiveAccount {
  /** `-c NAME` when a connection was named, else nothing (papi reads SNOWFLAKE_*). */
  argv: string[];
  /** For people: which account (never a secret). */
  description: string;
}

export function liveAccount(env: Record<string, string | undefined>): LiveAccount | undefined {
  const set = (name: string) => Boolean(env[name]?.trim());
  if (set('PAPI_LIVE_CONNECTION')) return { argv: ['-c', env.PAPI_LIVE_CONNECTION!.trim()], description: `connection ${env.PAPI_LIVE_CONNECTION!.trim()}` };
  if (set('SNOWFLAKE_ACCOUNT') && SECRETS.some(set)) return { argv: [], description: `account ${env.SNOWFLAKE_ACCOUNT!.trim()}` };
  return undefined;
}

const BANNER_LINES = [
  'papi live tier: NOT RUN (no Snowflake account credentials found).',
  'Nothing was checked against Snowflake. To run it, set',
  '  SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and SNOWFLAKE_PASSWORD',
  '  (or SNOWFLAKE_PRIVATE_KEY_FILE / SNOWFLAKE_TOKEN[_FILE_PATH]),',
  '  or PAPI_LIVE_CONNECTION=<name in ~/.snowflake/connections.toml>,',
  'then: npm run test:live',
];
const WIDTH = Math.max(...BANNER_LINES.map((l) => l.length)) + 4;

export const NOT_RUN_BANNER = ['', '#'.repeat(WIDTH + 2), ...BANNER_LINES.map((l) => `#  ${l.padEnd(WIDTH - 2)}#`), '#'.repeat(WIDTH + 2), ''].join('\n');
