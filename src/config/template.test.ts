// templates/papi.yaml (what `papi init` writes) against the loader: it must validate and load back to
// exactly the defaults, and show every setting with a comment.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packagePath } from '../paths.js';
import { LEAVES } from './leaves.js';
import { loadConfig, provenanceOf } from './load.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const TEMPLATE = packagePath('templates', 'papi.yaml');

async function loadIn(dir: string) {
  const warnings: string[] = [];
  const config = await loadConfig({ cwd: dir, env: { HOME: dir }, warn: (m) => warnings.push(m), debug: () => {} });
  return { config, warnings };
}

describe('templates/papi.yaml', () => {
  it('loads back to exactly the defaults, with no warnings', async () => {
    const withTemplate = mkdtempSync(join(tmpdir(), 'papi-template-'));
    const without = mkdtempSync(join(tmpdir(), 'papi-template-'));
    temps.push(withTemplate, without);
    copyFileSync(TEMPLATE, join(withTemplate, 'papi.yaml'));
    const loaded = await loadIn(withTemplate);
    const defaults = await loadIn(without);
    expect(loaded.warnings).toEqual([]);
    const { projectDir: _a, configPath, local: l1, ...fromTemplate } = loaded.config;
    const { projectDir: _b, local: l2, ...fromDefaults } = defaults.config;
    expect(configPath).toBe(join(withTemplate, 'papi.yaml'));
    expect(fromTemplate).toEqual(fromDefaults);
    expect({ ...l1, dataDir: l1.dataDir.replace(withTemplate, 'P') }).toEqual({ ...l2, dataDir: l2.dataDir.replace(without, 'P') });
    // Every setting really came from the file (so none is missing from it).
    const provenance = provenanceOf(loaded.config)!;
    for (const leaf of LEAVES)
      if (leaf.default !== undefined) expect(provenance.get(leaf.path)?.kind, leaf.path).toBe('papi.yaml');
  });

  it('shows every papi.yaml key, each with a one-line comment; connection keys commented out', () => {
    const lines = readFileSync(TEMPLATE, 'utf8').split('\n');
    for (const leaf of LEAVES) {
      if (!leaf.yamlPath) continue;
      const key = leaf.yamlPath.split('.').at(-1)!;
      // Connection keys, and settings that are off unless set (no default), are shown commented out.
      const commented = leaf.yamlPath.startsWith('connection.') || leaf.default === undefined;
      const pattern = new RegExp(`^\\s*${commented ? '# ' : ''}${key}: \\S+.*\\s#\\s\\S`);
      expect(lines.some((line) => pattern.test(line)), `${leaf.yamlPath} with a comment`).toBe(true);
    }
  });

  it('names no secret key at all', () => {
    const text = readFileSync(TEMPLATE, 'utf8');
    for (const leaf of LEAVES.filter((l) => l.secret)) expect(text).not.toMatch(new RegExp(`^\\s*#?\\s*${leaf.path.split('.')[1]}:`, 'm'));
  });
});
