// snowflake-sdk bundled into the CLI with its cloud SDKs deferred until used (driver-bundle.mjs, #16.3):
// the run-time piece on the real packages, and the built CLI on papi local (needs `npm run build`).
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../paths.js';

interface Deferred {
  module: Record<string, unknown> & ((...args: unknown[]) => unknown);
  loaded(): boolean;
}
const runtime = createRequire(import.meta.url)(packagePath('driver-bundle.runtime.cjs')) as {
  deferred(name: string, functionExports: string[]): Deferred;
  sdkDir(relativeDir: string): string;
};
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('snowflake-sdk'));

describe('a deferred package', () => {
  it('loads when first used, not when required or destructured, and then behaves as the package itself', () => {
    type Sts = { STSClient: new (config: object) => { config: unknown }; GetCallerIdentityCommand: new (input: object) => unknown };
    const real = sdkRequire('@aws-sdk/client-sts') as Sts;
    const functions = Object.keys(real).filter((key) => typeof (real as unknown as Record<string, unknown>)[key] === 'function');
    const sts = runtime.deferred('@aws-sdk/client-sts', functions);
    // As the driver's platform detection does while its modules load.
    const { STSClient, GetCallerIdentityCommand } = sts.module as unknown as Sts;
    expect(sts.loaded()).toBe(false);

    const client = new STSClient({ region: 'eu-west-1' });
    expect(sts.loaded()).toBe(true);
    expect(client).toBeInstanceOf(real.STSClient);
    expect(client).toBeInstanceOf(STSClient);
    expect(new GetCallerIdentityCommand({})).toBeInstanceOf(real.GetCallerIdentityCommand);
    // Once loaded, reads are the package's own values.
    expect((sts.module as unknown as Sts).STSClient).toBe(real.STSClient);
  });

  it('loads on a read of anything that is not a function export, and a package that is a function is called through', () => {
    const http = runtime.deferred('@smithy/protocol-http', []);
    expect(http.loaded()).toBe(false);
    const { HttpRequest } = http.module as unknown as { HttpRequest: { isInstance(value: unknown): boolean } };
    expect(http.loaded()).toBe(true);
    expect(HttpRequest.isInstance({ method: 'GET', protocol: 'https:', hostname: 'x', path: '/', query: {}, headers: {} })).toBe(true);
    // `open` is a function; a package like it is called as the module itself (here: path.join's shape, a function).
    const joined = runtime.deferred('node:path', []).module as unknown as { join(...parts: string[]): string };
    expect(joined.join('a', 'b')).toBe(join('a', 'b'));
  });

  it("gives the driver's files their folder in node_modules", () => {
    expect(runtime.sdkDir('lib/minicore')).toBe(join(createRequire(import.meta.url).resolve('snowflake-sdk'), '..', 'lib', 'minicore'));
  });
});

describe('the built CLI', () => {
  const root = mkdtempSync(join(tmpdir(), 'papi-driver-bundle-'));
  afterAll(async () => {
    await execa(process.execPath, [packagePath('bin', 'papi'), 'local', 'stop'], { cwd: root, env: { HOME: root }, reject: false });
    rmSync(root, { recursive: true, force: true });
  });

  it('runs statements on papi local with the bundled driver, loading no cloud SDK and only the native minicore from node_modules', async () => {
    // Records what this process requires from outside its bundle (its CommonJS loads).
    const record = join(root, 'record.cjs');
    const loads = join(root, 'loads.json');
    writeFileSync(
      record,
      `const Module = require('node:module'); const load = Module._load; const seen = [];
       Module._load = function (request, parent, ...rest) { seen.push({ request, from: parent && parent.filename }); return load.call(this, request, parent, ...rest); };
       process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loads)}, JSON.stringify(seen)));`,
    );
    const run = await execa(process.execPath, ['--require', record, packagePath('bin', 'papi'), 'setup', '--only', 'objects', '--json'], {
      cwd: root,
      env: { HOME: root, NO_COLOR: '1' },
      reject: false,
      timeout: 120_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { steps: unknown[] }).steps.length).toBeGreaterThan(0);
    const seen = JSON.parse(readFileSync(loads, 'utf8')) as Array<{ request: string; from?: string }>;
    const builtin = (request: string) => request.startsWith('node:') || /^[a-z_0-9]+(\/[a-z_]+)?$/.test(request);
    // Left out: Node's own modules, and papi's bundle reading its package.json.
    const outside = seen.filter(({ request, from }) => !builtin(request) && !(request.startsWith('.') && from?.startsWith(packagePath('dist'))));
    // The driver's native minicore, required as the installed driver's own file does.
    expect(outside).toEqual([{ request: expect.stringMatching(/^\.\/binaries\/sf_mini_core_/) as unknown as string, from: expect.stringContaining(join('snowflake-sdk', 'dist', 'lib', 'minicore')) as unknown as string }]);
  }, 150_000);
});
