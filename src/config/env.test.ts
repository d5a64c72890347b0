import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionEnvName, ENV_VARS, envTableMarkdown } from './env.js';
import { LEAVES } from './leaves.js';
import { suggest } from './suggest.js';

const names = new Set(ENV_VARS.map((v) => v.name));
/** Words that look like variables but are values (authenticators). */
const NOT_ENV = new Set(['SNOWFLAKE_JWT']);

describe('ENV_VARS', () => {
  it('lists each variable once, each with a description', () => {
    expect(names.size).toBe(ENV_VARS.length);
    for (const v of ENV_VARS) expect(v.description.length, v.name).toBeGreaterThan(10);
  });

  it('lists every SNOWFLAKE_<KEY> the loader reads for a connection key', () => {
    for (const leaf of LEAVES)
      for (const key of leaf.tomlKeys ?? []) {
        const name = `SNOWFLAKE_${key.toUpperCase()}`;
        expect(names.has(name), name).toBe(true);
        expect(ENV_VARS.find((v) => v.name === name)?.configPath).toBe(leaf.path);
        expect(Boolean(ENV_VARS.find((v) => v.name === name)?.secret)).toBe(Boolean(leaf.secret));
      }
  });

  it('lists every literal PAPI_* or SNOWFLAKE_* name used in src/config', () => {
    const dir = new URL('.', import.meta.url).pathname;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'env.ts')) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const [name] of text.matchAll(/\b(?:PAPI|SNOWFLAKE)_[A-Z_]+[A-Z]\b/g))
        if (!name.startsWith('SNOWFLAKE_CONNECTIONS_') && !NOT_ENV.has(name)) expect(names.has(name), `${name} in ${file}`).toBe(true);
    }
  });

  it('renders the README table with every variable', () => {
    const table = envTableMarkdown();
    for (const v of ENV_VARS) expect(table).toContain(`| \`${v.name}\` |`);
  });

  it('names connection overrides like the Snowflake CLI', () => {
    expect(connectionEnvName('dev', 'private_key_file')).toBe('SNOWFLAKE_CONNECTIONS_DEV_PRIVATE_KEY_FILE');
    expect(connectionEnvName('my-conn', 'role')).toBe('SNOWFLAKE_CONNECTIONS_MY_CONN_ROLE');
  });
});

describe('suggest', () => {
  it('finds typos, swapped letters, snake_case and the connections.toml spelling; not unrelated words', () => {
    expect(suggest('prot', ['port', 'cache'])).toBe('port');
    expect(suggest('max_nodes', ['minNodes', 'maxNodes'])).toBe('maxNodes');
    expect(suggest('private_key_file', ['account', 'privateKeyPath'])).toBe('privateKeyPath');
    expect(suggest('banana', ['port', 'cache', 'idFormat'])).toBeUndefined();
  });
});
