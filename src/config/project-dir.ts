// Which folder is the project's: papi keeps keys, tokens, the deployment and papi local's data in its
// `.papi/`, so every command run anywhere inside the project must agree on it.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The project folder: beside the papi.yaml in use; without one, the nearest folder upwards that has a
 * `.papi/` folder (the way git finds its root), so a command run in a subfolder uses the project's
 * papi local and deployment instead of starting an empty one there; else the working directory.
 */
export function findProjectDir(cwd: string, file: { path: string } | undefined): string {
  if (file) return dirname(file.path);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (isDirectory(join(dir, PROJECT_STATE_DIR))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}

/** The folder papi keeps a project's files in (keys, tokens, deployment, papi local's data). */
export const PROJECT_STATE_DIR = '.papi';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
