// Where papi keeps a project's local files: `.papi/` beside papi.yaml (or in the working directory).
// Keys and tokens are secrets: their files are 0600 in 0700 folders (src/auth writes them so).
// papi.yaml is meant to be committed and .papi/ sits beside it, so ensureProjectDir, the one place
// .papi/ is made, also writes `.papi/.gitignore` (`*`): nothing in it can be committed by mistake.
import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { PapiConfig } from './config/types.js';

export interface ProjectPaths {
  root: string;
  /** The service user's RSA key pairs (papi token). */
  keys: string;
  /** Cached ingress tokens (tokens.json) and the last deployment (deployment.json). */
  state: string;
  deployment: string;
}

/** `.papi/.gitignore`: ignores everything in .papi/, itself included. */
export const PROJECT_GITIGNORE = "# papi's private keys, tokens and papi local's data and secrets: never commit them.\n*\n";

export function projectPaths(config: Pick<PapiConfig, 'projectDir'>): ProjectPaths {
  const root = join(config.projectDir, '.papi');
  return { root, keys: join(root, 'keys'), state: root, deployment: join(root, 'deployment.json') };
}

/**
 * Makes the project's `.papi/` (0700) and its `.gitignore` when either is missing (a .papi/ from an
 * older papi gets one too); returns the paths. Call it before writing anything under .papi/.
 */
export async function ensureProjectDir(config: Pick<PapiConfig, 'projectDir'>): Promise<ProjectPaths> {
  const paths = projectPaths(config);
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  try {
    await writeFile(join(paths.root, '.gitignore'), PROJECT_GITIGNORE, { flag: 'wx', mode: 0o644 });
  } catch (error) {
    // One that is there already is left as the user keeps it.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return paths;
}

/** ensureProjectDir when `path` lies inside the project's .papi/ (papi local's default data directory .papi/local). */
export async function ensureProjectDirFor(config: Pick<PapiConfig, 'projectDir'>, path: string): Promise<void> {
  const inside = relative(projectPaths(config).root, resolve(config.projectDir, path));
  if (!inside.startsWith('..') && !isAbsolute(inside)) await ensureProjectDir(config);
}
