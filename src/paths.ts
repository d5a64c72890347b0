// Files shipped in the papi package (sql/, templates/, service/dist/), found from this module's
// location — src/ when run from source, dist/ when built — never from the working directory.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PapiError } from './ui/errors.js';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'sql'))) return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new PapiError('cannot find the papi package folder (package.json beside sql/)', { code: 'PACKAGE_BROKEN' });
    dir = parent;
  }
}

/** A path inside the package, e.g. packagePath('service', 'dist', 'server.mjs'). */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
