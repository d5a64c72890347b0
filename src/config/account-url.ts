// The account URL, built from a connection's keys as the Snowflake CLI and the drivers build it:
// host (else <account>[.<region>].snowflakecomputing.com), protocol (https) and port. Everything
// papi derives from the account (the SQL API, /oauth/token, the registry and the ingress scheme)
// starts from this one URL, so a connection to `http://127.0.0.1:8080` is followed everywhere.
import type { ConnectionParams } from './types.js';

type UrlKeys = Pick<ConnectionParams, 'account' | 'host' | 'port' | 'protocol' | 'region'>;

/** `xy12345.eu-west-1` stays as it is; a region key is appended only to an account without one. */
export function defaultHost(account: string, region?: string): string {
  const withRegion = region && !account.includes('.') ? `${account}.${region}` : account;
  return `${withRegion}.snowflakecomputing.com`.toLowerCase();
}

/** The account URL, or undefined when neither host nor account is known. */
export function accountUrlOf(connection: UrlKeys): string | undefined {
  const host = connection.host?.trim();
  // A host written as a URL (https://h:443) keeps its own scheme and port (papi has always accepted it).
  if (host && /^https?:\/\//i.test(host)) return host.replace(/\/+$/, '');
  const name = host || (connection.account ? defaultHost(connection.account, connection.region) : undefined);
  if (!name) return undefined;
  return `${connection.protocol ?? 'https'}://${name}${connection.port ? `:${connection.port}` : ''}`;
}

/** What is wrong with a host key, for the config problem (undefined when it is usable). */
export function hostProblem(connection: UrlKeys): string | undefined {
  const host = connection.host?.trim();
  if (!host) return undefined;
  if (/^https?:\/\//i.test(host)) {
    let url: URL;
    try {
      url = new URL(host);
    } catch {
      return `${JSON.stringify(host)} is not a URL or host name`;
    }
    if (url.pathname !== '/' || url.search || url.hash) return `${JSON.stringify(host)} has a path; host is the account's host name alone`;
    if ((connection.port || connection.protocol) && (url.port || url.protocol))
      return `${JSON.stringify(host)} already carries a scheme${url.port ? ' and port' : ''}, so port and protocol would be ignored`;
    return undefined;
  }
  if (host.includes(':') && !host.startsWith('[')) return `${JSON.stringify(host)} has a port in it; put the port in its own key (port = ${host.split(':').pop()})`;
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9_.-]*[a-z0-9])?)$/i.test(host)) return `${JSON.stringify(host)} is not a host name`;
  return undefined;
}

/**
 * A host on this machine: localhost, an address in 127.0.0.0/8, or ::1 (a URL's hostname keeps an
 * IPv6 address's brackets). http is for these only: on anything else the password and tokens travel
 * in clear text. An address, not a prefix: 127.0.0.1.example.com is somebody else's host.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
