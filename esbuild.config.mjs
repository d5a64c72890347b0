// Build: transpile src/ file by file into dist/ (so heavy modules stay behind dynamic imports and load
// only in the commands that need them), bundle papi local's background process into dist/papi-local.mjs,
// and bundle the service into one file that runs with node alone.
import { build } from 'esbuild';
import { readdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';

// Tests, their helpers and papi local's conformance suite run from source under vitest: not built, not shipped.
const TEST_FOLDERS = new Set(['__tests__', 'conformance']);
const isTestFile = (name) => name.endsWith('.test.ts') || name === 'test-helpers.ts';

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return TEST_FOLDERS.has(entry.name) ? [] : sources(path);
    return entry.name.endsWith('.ts') && !isTestFile(entry.name) ? [path] : [];
  });
}

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: sources('src'),
  outdir: 'dist',
  outbase: 'src',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});

// papi local as papi starts it in the background: one file, so its start does not walk the per-file
// module graph (hundreds of files) and loads nothing of the CLI. DuckDB's bindings stay outside (a native addon
// found through its platform package). CommonJS dependencies get require/__dirname in the ESM bundle.
await build({
  entryPoints: ['src/launcher/papi-local.ts'],
  outfile: 'dist/papi-local.mjs',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['@duckdb/node-bindings'],
  banner: {
    js: [
      "import { createRequire as __papiCreateRequire } from 'node:module';",
      "import { fileURLToPath as __papiFileURLToPath } from 'node:url';",
      'const require = __papiCreateRequire(import.meta.url);',
      'const __filename = __papiFileURLToPath(import.meta.url);',
      "const __dirname = __papiFileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'warning',
});

if (existsSync('service/src/server.ts')) {
  // One file that runs with node alone (see service/bundle.mjs for how the driver's cloud SDKs go).
  const { bundleService } = await import('./service/bundle.mjs');
  await bundleService();
}
