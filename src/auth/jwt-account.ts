// The account part of a key-pair JWT's iss/sub claims, by Snowflake's rules (docs "Using key-pair
// authentication", the Python connector's keypair.py, BCR 2025_05 #2055): upper case; only the account
// locator or org-account name, without region, cloud or privatelink segments; for `.global`
// (replication/failover) hosts the part before the first '-'; `org.account` written as `ORG-ACCOUNT`.
import { ConfigError } from '../ui/errors.js';

// Segments that follow an account identifier in hosts and legacy account strings but are never an
// account name; region ids themselves always contain '-' (us-west-2, east-us-2, us-central1).
const NON_ACCOUNT_SEGMENTS = new Set(['privatelink', 'global', 'snowflakecomputing', 'registry', 'aws', 'azure', 'gcp', 'cn', 'com']);
const ORG_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const ACCOUNT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESULT = /^[A-Z0-9_-]+$/;

/**
 * From an account setting as people write it: `xy12345`, `xy12345.us-east-2.aws`, `myorg-myacct`,
 * `myorg.myacct`, `myacct-abc123.global`, or a full host (`…snowflakecomputing.com`).
 */
export function jwtAccountFromAccount(account: string): string {
  const value = account.trim();
  if (value === '') throw invalid(account, 'it is empty');
  if (value.includes('://') || value.includes('/')) return jwtAccountFromHost(value);
  const segments = value.split('.');
  if (segments.some((segment) => segment.toLowerCase() === 'global')) return finish(beforeFirst(value, '-'), account);
  const [first = '', second] = segments;
  // `org.account` (the form SQL and data sharing use): two segments, an org name without '-' and an
  // account name that is not a region (regions contain '-') nor a known suffix.
  if (segments.length === 2 && second !== undefined && ORG_NAME.test(first) && ACCOUNT_NAME.test(second) && !NON_ACCOUNT_SEGMENTS.has(second.toLowerCase())) {
    return finish(`${first}-${second}`, account);
  }
  return finish(first, account);
}

/**
 * From a host or URL: `xy12345.us-east-2.aws.snowflakecomputing.com`, `myorg-myacct.snowflakecomputing.com`,
 * `myorg-myacct.privatelink.snowflakecomputing.com`, `myacct-abc123.global.snowflakecomputing.com`.
 * A host cannot tell an underscore in an account name from a hyphen (URLs use '-'): prefer the account setting.
 */
export function jwtAccountFromHost(hostOrUrl: string): string {
  const host = bareHost(hostOrUrl);
  if (host === '' || /^[\d.]+$/.test(host) || host.includes(':') || !host.includes('.')) {
    throw new ConfigError(`Cannot tell the Snowflake account from the host "${hostOrUrl}".`, {
      code: 'ACCOUNT_UNKNOWN',
      hint: 'Set the account (connections.toml `account`, SNOWFLAKE_ACCOUNT or --account).',
    });
  }
  const segments = host.split('.');
  if (segments.includes('global')) return finish(beforeFirst(host, '-'), hostOrUrl);
  return finish(segments[0] ?? '', hostOrUrl);
}

/** The JWT account from the account setting if there is one, else from the host. */
export function jwtAccountIdentifier(source: { account?: string; host?: string }): string {
  if (source.account !== undefined && source.account.trim() !== '') return jwtAccountFromAccount(source.account);
  if (source.host !== undefined && source.host.trim() !== '') return jwtAccountFromHost(source.host);
  throw new ConfigError('No Snowflake account configured.', {
    code: 'ACCOUNT_UNKNOWN',
    hint: 'Set the account (connections.toml `account`, SNOWFLAKE_ACCOUNT or --account).',
  });
}

/** Host of a URL or host string, lower case, without scheme, credentials, port or path. */
export function bareHost(hostOrUrl: string): string {
  const value = hostOrUrl.trim();
  try {
    if (value.includes('://')) return new URL(value).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    // fall through to the plain-text handling
  }
  return value
    .replace(/^[^@/]*@/, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .toLowerCase();
}

function beforeFirst(value: string, separator: string): string {
  const index = value.indexOf(separator);
  return index > 0 ? value.slice(0, index) : value.split('.')[0] ?? '';
}

function finish(candidate: string, original: string): string {
  const upper = candidate.toUpperCase();
  if (!RESULT.test(upper)) throw invalid(original, 'it does not start with an account locator or org-account name');
  return upper;
}

function invalid(original: string, reason: string): ConfigError {
  return new ConfigError(`Invalid Snowflake account "${original}": ${reason}.`, {
    code: 'ACCOUNT_INVALID',
    hint: 'Use the account identifier: <org>-<account> (preferred) or the account locator, e.g. xy12345.us-east-2.aws.',
  });
}
