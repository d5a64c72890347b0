// Bundles the service (service/src/server.ts) into one ESM file that runs with `node` alone, with
// no node_modules beside it. Used by esbuild.config.mjs and by the bundle's own test.
//
// snowflake-sdk requires cloud SDKs at load time (AWS/Azure/GCP for stage transfers, workload
// identity and platform detection) and `open` (browser login). The service never transfers files,
// never uses those authenticators and turns platform detection off, so those packages are replaced
// by a stub that loads fine and throws if anything ever calls into it.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const STUBBED = /^(@aws-sdk|@aws-crypto|@smithy|@azure|google-auth-library|open)(\/|$)/;

const stubUnusedPackages = {
  name: 'papi-stub-unused-packages',
  setup(build) {
    build.onResolve({ filter: STUBBED }, (args) => ({ path: args.path, namespace: 'papi-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'papi-stub' }, (args) => ({
      loader: 'js',
      contents: `
        const fail = () => { throw new Error(${JSON.stringify(`${args.path} is not part of the papi service bundle`)}); };
        module.exports = new Proxy({}, {
          get: (_, key) => (key === '__esModule' ? false : key === 'then' ? undefined : new Proxy(function () {}, { apply: fail, construct: fail, get: fail })),
        });`,
    }));
  },
};

// CommonJS dependencies call require() and read __dirname/__filename: give the ESM bundle those.
// esbuild.config.mjs gives papi's own bundles (the CLI, papi local) the same banner.
export const cjsBanner = [
  "import { createRequire as __papiCreateRequire } from 'node:module';",
  "import { fileURLToPath as __papiFileURLToPath } from 'node:url';",
  'const require = __papiCreateRequire(import.meta.url);',
  'const __filename = __papiFileURLToPath(import.meta.url);',
  "const __dirname = __papiFileURLToPath(new URL('.', import.meta.url));",
].join(' ');

/** Builds the bundle into `outfile` (default service/dist/server.mjs); returns esbuild's metafile. */
export async function bundleService({ outfile = fileURLToPath(new URL('./dist/server.mjs', import.meta.url)) } = {}) {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./src/server.ts', import.meta.url))],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Smaller without losing names in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    banner: { js: cjsBanner },
    plugins: [stubUnusedPackages],
  });
  return result.metafile;
}
