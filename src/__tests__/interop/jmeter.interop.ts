// `papi bench --export-jmeter` checked by libxml2's strict parser (xmllint, from Debian's
// libxml2-utils, which .ci/run installs with the other tools): JMeter's own loader refuses what it
// refuses, so a plan xmllint rejects is a plan JMeter cannot open. Driven through the built bin/papi.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { announceSkip, findTool } from './tools.js';

const run = promisify(execFile);
const papi = fileURLToPath(new URL('../../../bin/papi', import.meta.url));
const skip = findTool('xmllint') ? undefined : 'not installed: xmllint (apt-get install -y libxml2-utils)';
if (skip) announceSkip('papi bench --export-jmeter checked by xmllint', skip);

describe.skipIf(skip !== undefined)('papi bench --export-jmeter, read by xmllint', () => {
  const work = mkdtempSync(join(tmpdir(), 'papi-interop-jmeter-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes a plan that xmllint --noout accepts, with a header holding "--"', async () => {
    writeFileSync(join(work, 'ids.csv'), 'id\n22\n196\n');
    // No deployment in this folder and a --url: nothing is started or called, only the files written.
    await run(process.execPath, [papi, 'bench', '--url', 'http://127.0.0.1:9', '--ids', 'ids.csv', '--header', 'X-Note: a--b', '--export-jmeter', 'plan.jmx'], {
      cwd: work,
      env: { ...process.env, HOME: work, NO_COLOR: '1' },
    });
    const lint = await run('xmllint', ['--noout', join(work, 'plan.jmx')]).catch((error: { stderr?: string }) => ({ stderr: error.stderr ?? String(error) }));
    expect(lint.stderr).toBe('');
  });
});
