// Repository names in papi local's registry: `<db>/<schema>/<image repository>/<image…>` in lower case,
// the first three naming an image repository in the catalog (stored upper case: unquoted identifiers).

import { isDigest, isRepositoryName, isTag } from './oci-spec.js';
import type { ServiceKey } from '../platform.js';

const PART = /^[a-z_][a-z0-9_$]*$/;

export interface RepositoryName {
  /** The full repository path (db/schema/repo/image). */
  name: string;
  /** The catalog's image repository, in stored (upper) case. */
  key: ServiceKey;
  image: string;
}

export function parseRepository(name: string): RepositoryName | undefined {
  if (!isRepositoryName(name)) return undefined;
  const parts = name.split('/');
  if (parts.length < 4) return undefined;
  const [database, schema, repo] = parts as [string, string, string];
  if (![database, schema, repo].every((part) => PART.test(part))) return undefined;
  return { name, key: { database: database.toUpperCase(), schema: schema.toUpperCase(), name: repo.toUpperCase() }, image: parts.slice(3).join('/') };
}

/** The image repository's path prefix for its images (`db/schema/repo/`). */
export function repositoryPrefix(key: ServiceKey): string {
  return `${key.database}/${key.schema}/${key.name}/`.toLowerCase();
}

/**
 * An image as a service spec names it: `/db/schema/repo/image:tag` (or `@sha256:…`), optionally
 * preceded by the registry host. Returns the repository path and the tag or digest.
 */
export function parseImagePath(text: string): { repository: RepositoryName; reference: string } | undefined {
  let rest = text.trim();
  if (!rest.startsWith('/')) {
    const slash = rest.indexOf('/');
    if (slash < 0) return undefined;
    rest = rest.slice(slash);
  }
  rest = rest.slice(1);
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  if (!isTag(reference) && !isDigest(reference)) return undefined;
  const repository = parseRepository(rest);
  return repository ? { repository, reference } : undefined;
}
