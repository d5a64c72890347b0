// snowflake-sdk inside the CLI's bundle (esbuild.config.mjs): loaded from node_modules it was ~700
// files through Node's CommonJS loader, the longest piece of CPU before a command's first statement.
//
// Bundled, it still loads at start every cloud SDK it requires at the top of a module, though a
// command needs one of them at most: AWS (S3 stages, workload identity), Azure (Azure stages,
// workload identity), Google (workload identity), `open` (browser logins), AWS STS (platform
// detection, which papi turns off). Those packages are deferred, not stubbed: each is replaced by a
// module that requires the real package from node_modules — resolved from snowflake-sdk's own
// folder, as the driver would — the first time the driver uses it. An export read while modules
// load (`const { NodeHttpHandler } = require(…)`) is handed a stand-in that forwards calls, `new`,
// property reads and instanceof to the real export once it is used; which exports are functions is
// read from the packages at build time.
//
// The driver's own files keep seeing their folder in node_modules: `__dirname` (where the driver
// looks for sf_client_config.json) and `eval('require')` (its native minicore binary).
// The run-time side is driver-bundle.runtime.cjs.
import { createRequire } from 'node:module';
import { dirname, relative, sep } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The packages loaded on first use (the rest of the driver is bundled). */
export const DEFERRED = /^(@aws-sdk|@aws-crypto|@smithy|@azure|google-auth-library|open)(\/|$)/;

const RUNTIME = 'papi-driver-runtime';
const runtimePath = fileURLToPath(new URL('./driver-bundle.runtime.cjs', import.meta.url));

/** The exported names that are functions, per deferred package the driver requires (read at build time). */
function functionExportsOf(name, sdkRequire) {
  // Some of them warn about the Node version when loaded; the build has nothing to say about that.
  const emitWarning = process.emitWarning;
  process.emitWarning = () => undefined;
  let real;
  try {
    real = sdkRequire(name);
  } finally {
    process.emitWarning = emitWarning;
  }
  return Object.keys(real).filter((key) => typeof real[key] === 'function');
}

export function deferDriverPackages() {
  const sdkMain = createRequire(import.meta.url).resolve('snowflake-sdk');
  const sdkRoot = dirname(sdkMain);
  const sdkRequire = createRequire(sdkMain);
  return {
    name: 'papi-defer-driver-packages',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${RUNTIME}$`) }, () => ({ path: runtimePath }));
      build.onResolve({ filter: DEFERRED }, (args) => (args.namespace === 'papi-deferred' ? undefined : { path: args.path, namespace: 'papi-deferred' }));
      build.onLoad({ filter: /.*/, namespace: 'papi-deferred' }, (args) => ({
        loader: 'js',
        resolveDir: sdkRoot,
        contents: `module.exports = require(${JSON.stringify(RUNTIME)}).deferred(${JSON.stringify(args.path)}, ${JSON.stringify(functionExportsOf(args.path, sdkRequire))}).module;`,
      }));
      // The driver's own files: their folder and their require stay those of node_modules/snowflake-sdk.
      build.onLoad({ filter: /[\\/]node_modules[\\/]snowflake-sdk[\\/].*\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('__dirname') && !source.includes("eval('require')")) return undefined;
        const relativeDir = relative(sdkRoot, dirname(args.path)).split(sep).join('/') || '.';
        const prologue = `const { sdkDir: __papiSdkDir, sdkRequire: __papiSdkRequire } = require(${JSON.stringify(RUNTIME)});`;
        const contents = source.replaceAll('__dirname', `__papiSdkDir(${JSON.stringify(relativeDir)})`).replaceAll("eval('require')", `__papiSdkRequire(${JSON.stringify(relativeDir)})`);
        return { contents: `${prologue}\n${contents}`, loader: 'js' };
      });
    },
  };
}
