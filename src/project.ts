// Where papi keeps a project's local files: `.papi/` beside papi.yaml (or in the working directory).
// Keys and tokens are secrets: their files are 0600 in 0700 folders (src/auth writes them so).
import { join } from 'node:path';
import type { PapiConfig } from './config/types.js';

export interface ProjectPaths {
  root: string;
  /** The service user's RSA key pairs (papi token). */
  keys: string;
  /** Cached ingress tokens (tokens.json) and the last deployment (deployment.json). */
  state: string;
  deployment: string;
}

export function projectPaths(config: Pick<PapiConfig, 'projectDir'>): ProjectPaths {
  const root = join(config.projectDir, '.papi');
  return { root, keys: join(root, 'keys'), state: root, deployment: join(root, 'deployment.json') };
}
