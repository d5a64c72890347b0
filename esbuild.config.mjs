// Build: transpile src/ file by file into dist/ (benchmark scripts, tests that run the built code),
// bundle the CLI (dist/papi/, what bin/papi runs) and papi local's background process
// (dist/papi-local.mjs), and bundle the service into one file that runs with node alone.
import { build } from 'esbuild';
import { readdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleService, cjsBanner } from './service/bundle.mjs';
import { deferDriverPackages } from './driver-bundle.mjs';

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

// CommonJS dependencies inside an ESM bundle call require() and read __dirname/__filename.
const bundle = { bundle: true, format: 'esm', platform: 'node', target: 'node20', sourcemap: 'linked', banner: { js: cjsBanner }, logLevel: 'warning' };

// The CLI as bin/papi runs it: dist/papi/main.js and the chunks its dynamic imports load (split by
// esbuild, so a command still loads only what it uses), instead of hundreds of files through the ESM
// loader (node_modules included): every command starts ~100 ms sooner. The chunks sit beside main.js,
// two levels below the package root like dist/<folder>/*.js, so paths relative to a module still hold.
// snowflake-sdk is bundled too, in the chunk loaded to connect, its cloud SDKs deferred until used
// (driver-bundle.mjs); DuckDB's native bindings stay in node_modules.
await build({
  ...bundle,
  // sample-worker: papi setup makes the generated sample in a worker thread (src/data/sample.ts).
  entryPoints: { main: 'src/cli/main.ts', 'sample-worker': 'src/data/sample-worker.ts' },
  outdir: 'dist/papi',
  splitting: true,
  chunkNames: '[name]-[hash]',
  external: ['@duckdb/node-bindings'],
  plugins: [deferDriverPackages()],
});

// papi local as papi starts it in the background: one file with nothing of the CLI.
await build({ ...bundle, entryPoints: ['src/launcher/papi-local.ts'], outfile: 'dist/papi-local.mjs', external: ['@duckdb/node-bindings'] });

if (existsSync('service/src/server.ts')) {
  // One file that runs with node alone (see service/bundle.mjs for how the driver's cloud SDKs go).
  await bundleService();
}
