// Fixtures shared by the deploy tests and the interop tier: a changed service (the packaged bundle
// behind a wrapper that stamps every response with a marker, so a test knows which image answers)
// and waiting until papi local's service runs a given image.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PapiConfig } from '../../config/types.js';
import { serviceBundlePath } from '../../dev/service-process.js';
import type { Connection } from '../../snowflake/driver.js';
import { showStatement } from '../../deploy/statements.js';

/** The response header the stamped service adds. */
export const STAMP_HEADER = 'x-papi-build';

/** Writes the stamped service into `dir` (server.mjs → service.mjs, the unchanged bundle). */
export async function stampedBundle(dir: string, marker: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await copyFile(serviceBundlePath(), join(dir, 'service.mjs'));
  await writeFile(
    join(dir, 'server.mjs'),
    [
      "import http from 'node:http';",
      'const writeHead = http.ServerResponse.prototype.writeHead;',
      'http.ServerResponse.prototype.writeHead = function (...args) {',
      `  if (!this.headersSent) this.setHeader(${JSON.stringify(STAMP_HEADER)}, ${JSON.stringify(marker)});`,
      '  return writeHead.apply(this, args);',
      '};',
      "await import('./service.mjs');",
      '',
    ].join('\n'),
  );
  return dir;
}

export async function serviceContainers(admin: Connection, config: PapiConfig): Promise<Array<Record<string, unknown>>> {
  return admin.execute(showStatement(config, 'containers').sql);
}

/** Polls SHOW SERVICE CONTAINERS until every container is READY on `digest` (or one FAILED). */
export async function waitForImage(admin: Connection, config: PapiConfig, digest: string): Promise<void> {
  for (let attempt = 0; attempt < 480; attempt++) {
    const rows = await serviceContainers(admin, config);
    if (rows.length > 0 && rows.every((r) => r.status === 'READY' && r.image_digest === digest)) return;
    if (rows.some((r) => r.status === 'FAILED')) throw new Error(`the service failed: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the service is not READY on ${digest}: ${JSON.stringify(await serviceContainers(admin, config))}`);
}
