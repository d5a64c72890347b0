// The versions papi depends on: Node (package.json engines), snowflake-sdk (papi's driver) and
// DuckDB (papi local's engine), each against the range papi was built and tested with.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packagePath } from '../paths.js';
import type { Check } from './types.js';

interface Manifest {
  name?: string;
  version?: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
}

const DEPENDENCIES: Array<{ name: string; role: string }> = [
  { name: 'snowflake-sdk', role: 'the Snowflake driver' },
  { name: '@duckdb/node-api', role: "papi local's SQL engine" },
];

export function versionChecks(nodeVersion = process.versions.node): Check[] {
  const manifest = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as Manifest;
  const checks: Check[] = [];
  const nodeRange = manifest.engines?.node ?? '*';
  checks.push(
    satisfies(nodeVersion, nodeRange)
      ? { id: 'version.node', title: 'Node.js', status: 'ok', detail: `${nodeVersion} (papi needs ${nodeRange})` }
      : { id: 'version.node', title: 'Node.js', status: 'fail', detail: `${nodeVersion}, papi needs ${nodeRange}`, fix: 'Install a Node.js release in that range (https://nodejs.org), e.g. with nvm install 22.' },
  );
  for (const { name, role } of DEPENDENCIES) {
    const range = manifest.dependencies?.[name] ?? '*';
    const installed = installedVersion(name);
    const id = `version.${name.replace(/^@/, '').replace(/[^a-z0-9]+/g, '-')}`;
    if (!installed) checks.push({ id, title: name, status: 'fail', detail: `not installed (${role})`, fix: 'Reinstall papi\'s dependencies: npm ci (or npm install -g papi again).' });
    else if (!satisfies(installed, range))
      checks.push({ id, title: name, status: 'fail', detail: `${installed} installed, papi needs ${range} (${role})`, fix: 'Reinstall papi\'s dependencies: npm ci.' });
    else checks.push({ id, title: name, status: 'ok', detail: `${installed} (${role})` });
  }
  return checks;
}

/** The installed package's version, found from papi's own folder as Node would resolve it. */
function installedVersion(name: string): string | undefined {
  const require = createRequire(packagePath('package.json'));
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    return undefined;
  }
  // Packages with an exports map hide package.json: walk up from the entry to the package's own.
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    try {
      const found = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      if (found.name === name) return found.version;
    } catch {
      // not here
    }
  }
  return undefined;
}

type Version = [number, number, number];

function parse(text: string): Version | undefined {
  const m = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The npm range forms papi's package.json uses: `^x.y.z`, `~x.y.z`, `>=x.y.z`, `x.y.z`, `*`, joined by `||`. */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) return false;
  return range.split('||').some((part) => {
    const text = part.trim();
    if (text === '*' || text === '') return true;
    const op = /^(\^|~|>=|>|<=|<|=)?\s*(.*)$/.exec(text)!;
    const bound = parse(op[2]!);
    if (!bound) return false;
    const c = compare(v, bound);
    switch (op[1]) {
      case '^':
        return c >= 0 && (bound[0] > 0 ? v[0] === bound[0] : bound[1] > 0 ? v[0] === 0 && v[1] === bound[1] : v[1] === 0 && v[2] === bound[2]);
      case '~':
        return c >= 0 && v[0] === bound[0] && v[1] === bound[1];
      case '>=':
        return c >= 0;
      case '>':
        return c > 0;
      case '<=':
        return c <= 0;
      case '<':
        return c < 0;
      default:
        return c === 0;
    }
  });
}
