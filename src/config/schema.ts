// The papi.yaml schema (zod 4), derived from LEAVES, and the checks around it: `version: 1`, secrets
// refused, unknown keys warned with a suggestion. The same leaf schemas check values from env,
// connections.toml and flags, so a value is judged the same wherever it comes from.
import { z } from 'zod';
import { checkIdentifier, IdentifierError } from '../snowflake/identifiers.js';
import { describeKind, isSecretKey, LEAVES, type Leaf, type LeafKind } from './leaves.js';
import { showValue, type Problem } from './problems.js';
import { suggest } from './suggest.js';
import type { YamlFile } from './yaml-file.js';

export const SECRET_HINT =
  'Secrets go in the environment (SNOWFLAKE_PASSWORD, SNOWFLAKE_TOKEN, PRIVATE_KEY_PASSPHRASE, or ' +
  'SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>) or in ~/.snowflake/connections.toml (chmod 0600); papi.yaml may name a ' +
  'key file (connection.privateKeyPath) but never hold a key, password or token.';

/** Booleans as the environment spells them (SNOWFLAKE_CLIENT_SESSION_KEEP_ALIVE=1). */
const BOOL_TEXT: Record<string, string> = { true: 'true', yes: 'true', on: 'true', '1': 'true', false: 'false', no: 'false', off: 'false', '0': 'false' };

const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

function leafSchema(kind: LeafKind): z.ZodType<string | number> {
  // YAML reads `account: 12345` as a number: names and paths take it as text.
  const textual = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().trim().min(1));
  switch (kind.type) {
    case 'identifier':
      return z.string().superRefine((value, ctx) => {
        try {
          checkIdentifier(value, `"${value}"`);
        } catch (error) {
          if (!(error instanceof IdentifierError)) throw error;
          ctx.addIssue({ code: 'custom', message: `not a plain Snowflake name: letters, digits, _ and $, not starting with a digit (got ${showValue(value)})` });
        }
      });
    case 'bool':
      return z.preprocess(
        (v) => (typeof v === 'boolean' ? String(v) : typeof v === 'string' ? (BOOL_TEXT[v.trim().toLowerCase()] ?? v) : v),
        z.enum(['true', 'false']),
      );
    case 'enum': {
      const fold = (v: string) => (kind.upper ? v.toUpperCase() : kind.lower ? v.toLowerCase() : v);
      return z
        .string()
        .superRefine((value, ctx) => {
          if (!kind.values.includes(fold(value)))
            ctx.addIssue({ code: 'custom', message: `expected ${describeKind(kind)}, got ${showValue(value)}` });
        })
        .transform(fold);
    }
    case 'int':
      return z.int().min(kind.min).max(kind.max);
    case 'text':
    case 'path':
      return textual;
  }
}

type Tree = { [key: string]: Tree | Leaf };
const isLeaf = (node: Tree | Leaf): node is Leaf => typeof (node as Leaf).path === 'string' && 'kind' in node;

/** The papi.yaml key tree: `service` → `cache` → `ttlSeconds` → its leaf. */
export const YAML_TREE: Tree = (() => {
  const root: Tree = { version: { path: 'version', yamlPath: 'version', kind: { type: 'int', min: 1, max: 1 } } };
  for (const leaf of LEAVES) {
    if (!leaf.yamlPath) continue;
    const keys = leaf.yamlPath.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Tree;
    node[keys.at(-1)!] = leaf;
  }
  return root;
})();

function treeSchema(tree: Tree): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, node] of Object.entries(tree)) {
    if (key === 'version') continue; // checked first, with its own message
    shape[key] = (isLeaf(node) ? leafSchema(node.kind) : treeSchema(node)).optional();
  }
  return z.object(shape);
}

let fileSchema: z.ZodType | undefined;

/** `key:` with nothing after it means "not set", as a commented-out value would. */
function withoutNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function nodeAt(path: readonly PropertyKey[]): Tree | Leaf | undefined {
  let node: Tree | Leaf | undefined = YAML_TREE;
  for (const key of path) node = node && !isLeaf(node) ? node[String(key)] : undefined;
  return node;
}

/**
 * Validates papi.yaml as a whole: every problem goes to `problems`, unknown keys to `warnings`.
 * Returns the leaf values by config path (normalized: enums folded), or undefined when invalid.
 */
export function validateFile(file: YamlFile, problems: Problem[], warnings: string[]): Map<string, string | number> | undefined {
  const before = problems.length;
  const data = withoutNulls(file.data ?? {}) as Record<string, unknown>;

  if (!('version' in data))
    problems.push({ where: file.where([]), path: 'version', message: 'missing: the first line of papi.yaml must be `version: 1`', hint: 'Add `version: 1` at the top of papi.yaml (papi init writes a complete one).' });
  else if (data.version !== 1)
    problems.push({ where: file.where(['version']), path: 'version', message: `this papi reads papi.yaml version 1, the file says ${showValue(data.version)}`, hint: 'Use `version: 1`; a newer papi.yaml needs a newer papi (update your papi checkout: git pull && npm ci).' });

  checkKeys(data, YAML_TREE, [], file, problems, warnings);

  const result = (fileSchema ??= treeSchema(YAML_TREE)).safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String);
      const node = nodeAt(issue.path);
      const value = valueAt(data, issue.path);
      const message =
        issue.code === 'custom'
          ? issue.message
          : node && isLeaf(node)
            ? `expected ${describeKind(node.kind)}, got ${showValue(value)}`
            : `expected a mapping, got ${showValue(value)}`;
      problems.push({ where: file.where(path), path: path.join('.'), message });
    }
  }
  if (problems.length > before || !result.success) return undefined;

  const values = new Map<string, string | number>();
  for (const leaf of LEAVES) {
    if (!leaf.yamlPath) continue;
    const value = valueAt(result.data, leaf.yamlPath.split('.'));
    if (value !== undefined) values.set(leaf.path, value as string | number);
  }
  return values;
}

/** Secrets (by key name or PEM content) are problems; keys papi does not know are warnings. */
function checkKeys(value: unknown, tree: Tree | undefined, path: string[], file: YamlFile, problems: Problem[], warnings: string[]): void {
  if (typeof value === 'string' && PEM_PRIVATE_KEY.test(value)) {
    problems.push({ where: file.where(path), path: path.join('.'), message: 'a private key does not belong in papi.yaml', hint: SECRET_HINT });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkKeys(item, undefined, [...path, String(i)], file, problems, warnings));
    return;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = [...path, key];
    const known = tree?.[key];
    if (isSecretKey(key) && !(known && isLeaf(known))) {
      problems.push({ where: file.where(childPath), path: childPath.join('.'), message: 'secrets do not belong in papi.yaml (it is usually committed)', hint: SECRET_HINT });
      continue;
    }
    if (tree && known === undefined) {
      const candidates = Object.keys(tree);
      const close = suggest(key, candidates);
      warnings.push(`${file.where(childPath)} › ${childPath.join('.')}: unknown key, ignored${close ? ` (did you mean ${[...path, close].join('.')}?)` : ''}`);
    }
    checkKeys(child, known && !isLeaf(known) ? known : undefined, childPath, file, problems, warnings);
  }
}

/** Checks one value from env, connections.toml or a flag against its leaf (env text → integer). */
export function checkValue(leaf: Leaf, raw: unknown): { value: string | number } | { message: string } {
  let input = raw;
  if (leaf.kind.type === 'int' && typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) input = Number(raw);
  const result = leafSchema(leaf.kind).safeParse(input);
  if (result.success) return { value: result.data };
  const custom = result.error.issues.find((issue) => issue.code === 'custom');
  return { message: custom?.message ?? `expected ${describeKind(leaf.kind)}, got ${leaf.secret ? 'an invalid value' : showValue(raw)}` };
}
