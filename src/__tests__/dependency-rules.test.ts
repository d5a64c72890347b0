// The import rules of .dependency-cruiser.cjs (run on the real tree by `npm run lint:deps`, part of
// `npm test`) checked on a small tree made here: each forbidden import is reported by its rule, and
// the allowed ones are not, so a rule that matched nothing would fail this test.
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];

afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Writes the files into a fresh folder and runs dependency-cruiser there with papi's rules. */
async function cruise(files: Record<string, string>): Promise<{ exitCode: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'papi-deps-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  mkdirSync(join(dir, 'service'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const result = await execa(join(root, 'node_modules/.bin/depcruise'), ['--config', join(root, '.dependency-cruiser.cjs'), 'src', 'service'], {
    cwd: dir,
    reject: false,
  });
  // Without colour codes, whatever the terminal says (depcruise colours its report when it may).
  return { exitCode: result.exitCode ?? -1, output: stripVTControlCharacters(`${result.stdout}\n${result.stderr}`) };
}

describe('import rules', () => {
  it('refuse papi local importing the client, the client importing past papi local’s entry, the service importing src/, and engine layers out of order', async () => {
    const { exitCode, output } = await cruise({
      'src/ui/errors.ts': 'export const x = 1;\n',
      'src/local/index.ts': "export * from './engine/engine.js';\n",
      'src/local/engine/engine.ts': "import { x } from '../../ui/errors.js';\nexport const y = x;\n",
      'src/cli/main.ts': "import { y } from '../local/engine/engine.js';\nexport const z = y;\n",
      'service/src/app.ts': "import { x } from '../../src/ui/errors.js';\nexport const w = x;\n",
      'src/local/engine/statements/dml.ts': 'export const dml = 1;\n',
      'src/local/engine/statements/ddl.ts': "import { dml } from './dml.js';\nexport const ddl = dml;\n",
      'src/local/engine/model/tables.ts': "import { ddl } from '../statements/ddl.js';\nexport const tables = ddl;\n",
    });
    expect(exitCode).not.toBe(0);
    expect(output).toContain('engine-statements-independent: src/local/engine/statements/ddl.ts → src/local/engine/statements/dml.ts');
    expect(output).toContain('engine-model-below-statements: src/local/engine/model/tables.ts → src/local/engine/statements/ddl.ts');
    expect(output).toContain('local-is-its-own-room: src/local/engine/engine.ts → src/ui/errors.ts');
    expect(output).toContain('local-through-its-public-entry: src/cli/main.ts → src/local/engine/engine.ts');
    expect(output).toContain('service-stands-alone: service/src/app.ts → src/ui/errors.ts');
  });

  it('allow the public entry, and tests that check papi local from outside', async () => {
    const { exitCode, output } = await cruise({
      'src/ui/errors.ts': 'export const x = 1;\n',
      'src/local/index.ts': "export const start = 1;\n",
      'src/local/engine/engine.ts': 'export const y = 1;\n',
      'src/local/engine/engine.test.ts': "import { x } from '../../ui/errors.js';\nexport const t = x;\n",
      'src/local/conformance/tutorial.test.ts': "import { x } from '../../ui/errors.js';\nexport const t = x;\n",
      'src/cli/main.ts': "import { start } from '../local/index.js';\nexport const z = start;\n",
      'src/__tests__/e2e.test.ts': "import { y } from '../local/engine/engine.js';\nexport const t = y;\n",
    });
    expect(output).toContain('no dependency violations');
    expect(exitCode).toBe(0);
  });
});
