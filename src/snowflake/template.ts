// The strict SQL template renderer. Templates in sql/ use `<% name %>` placeholders (as the Snowflake
// CLI does) and nothing else: no logic, no loops, no conditionals. Every value is typed and validated
// before it reaches SQL text — identifiers, qualified names, integers and allow-listed keywords —
// so no free text is ever pasted into a statement; run-time values travel as binds (`?`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../paths.js';
import { ConfigError, PapiError } from '../ui/errors.js';
import { checkIdentifier, IdentifierError, quoteIdentifier } from './identifiers.js';

export type TemplateValue =
  | { kind: 'identifier'; name: string; label?: string }
  | { kind: 'qualified'; parts: string[]; label?: string }
  | { kind: 'integer'; value: number; min?: number; max?: number; label?: string }
  | { kind: 'keyword'; value: string; allowed: readonly string[]; label?: string }
  | { kind: 'fileUrl'; path: string; label?: string }
  | { kind: 'pathSegment'; value: string; label?: string }
  | { kind: 'publicKey'; body: string; label?: string }
  | { kind: 'dollarQuoted'; text: string; label?: string }
  | { kind: 'nameLiteral'; parts: string[]; label?: string }
  | { kind: 'scriptBlock'; statements: string[]; label?: string }
  | { kind: 'minuteSchedule'; minutes: number; label?: string };

export type TemplateValues = Record<string, TemplateValue>;

/** `label` names where the value came from (e.g. `snowflake.warehouse.name`) for error messages. */
export const identifier = (name: string, label?: string): TemplateValue => ({ kind: 'identifier', name, label });
export const qualified = (parts: string[], label?: string): TemplateValue => ({ kind: 'qualified', parts, label });
export const integer = (value: number, range: { min?: number; max?: number } = {}, label?: string): TemplateValue => ({
  kind: 'integer',
  value,
  ...range,
  label,
});
export const keyword = (value: string, allowed: readonly string[], label?: string): TemplateValue => ({
  kind: 'keyword',
  value,
  allowed,
  label,
});

/** A local file for PUT: an absolute path papi chose itself, rendered as a quoted 'file://…' literal. */
export const fileUrl = (path: string, label?: string): TemplateValue => ({ kind: 'fileUrl', path, label });
/** One folder name inside a stage path (`@stage/<segment>/`): lower-case letters, digits, _ and -. */
export const pathSegment = (value: string, label?: string): TemplateValue => ({ kind: 'pathSegment', value, label });
/** The base64 body of an RSA public key (ALTER USER … SET RSA_PUBLIC_KEY = '…'; DDL takes no binds). */
export const publicKey = (body: string, label?: string): TemplateValue => ({ kind: 'publicKey', body, label });
/**
 * A validated qualified name as a string literal, where Snowflake takes object names as strings
 * (ALLOWED_NETWORK_RULE_LIST = ('db.schema.rule')); validated parts can hold no quote.
 */
export const nameLiteral = (parts: string[], label?: string): TemplateValue => ({ kind: 'nameLiteral', parts, label });
/** Text embedded between $$ … $$ (a service specification); a `$$` inside is escaped as JSON allows. */
export const dollarQuoted = (text: string, label?: string): TemplateValue => ({ kind: 'dollarQuoted', text, label });
/**
 * papi's own rendered statements as a Snowflake Scripting block for EXECUTE IMMEDIATE (a task's body:
 * BEGIN stmt; … END;): between $$ … $$, or — when a statement holds `$$` itself (a procedure's body) —
 * as a single-quoted literal with quotes doubled and backslashes escaped, which nothing can close early.
 */
export const scriptBlock = (statements: string[], label?: string): TemplateValue => ({ kind: 'scriptBlock', statements, label });
/** CREATE TASK's SCHEDULE literal for a whole number of minutes, 1 to 11520: '60 MINUTE'. */
export const minuteSchedule = (minutes: number, label?: string): TemplateValue => ({ kind: 'minuteSchedule', minutes, label });

export const WAREHOUSE_SIZES = [
  'XSMALL',
  'SMALL',
  'MEDIUM',
  'LARGE',
  'XLARGE',
  'XXLARGE',
  'XXXLARGE',
  'X4LARGE',
  'X5LARGE',
  'X6LARGE',
] as const;

export const INSTANCE_FAMILIES = [
  'CPU_X64_XS',
  'CPU_X64_S',
  'CPU_X64_M',
  'CPU_X64_SL',
  'CPU_X64_L',
  'HIGHMEM_X64_S',
  'HIGHMEM_X64_M',
  'HIGHMEM_X64_SL',
  'HIGHMEM_X64_L',
  'GPU_NV_XS',
  'GPU_NV_S',
  'GPU_NV_SM',
  'GPU_NV_M',
  'GPU_NV_2M',
  'GPU_NV_3M',
  'GPU_NV_SL',
  'GPU_NV_L',
] as const;

/** A template that does not match its values: a bug in papi, not in the user's config. */
export class TemplateError extends PapiError {
  constructor(message: string) {
    super(message, { code: 'TEMPLATE_ERROR' });
  }
}

const PLACEHOLDER = /<%\s*([A-Za-z_][A-Za-z0-9_]*)\s*%>/g;

/**
 * Renders `template` with `values`. Every placeholder needs a value and every value must be used;
 * anything that looks like template syntax but is not a plain placeholder is rejected.
 */
export function renderTemplate(template: string, values: TemplateValues, name = 'template'): string {
  const used = new Set<string>();
  const missing = new Set<string>();
  const rendered = template.replace(PLACEHOLDER, (_match, key: string) => {
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    if (!value) {
      missing.add(key);
      return '';
    }
    used.add(key);
    return renderValue(key, value);
  });
  if (missing.size > 0) throw new TemplateError(`${name}: no value for ${[...missing].map((k) => `<% ${k} %>`).join(', ')}`);
  const unused = Object.keys(values).filter((key) => !used.has(key));
  if (unused.length > 0) throw new TemplateError(`${name}: values not used by the template: ${unused.join(', ')}`);
  const stray = /<%|%>/.exec(rendered);
  if (stray) {
    const line = rendered.slice(0, stray.index).split('\n').length;
    throw new TemplateError(`${name}:${line}: malformed placeholder (only <% name %> is allowed)`);
  }
  return rendered;
}

/** The SQL text of one validated value. */
export function renderValue(key: string, value: TemplateValue): string {
  const what = value.label ?? key;
  switch (value.kind) {
    case 'identifier':
      return quoteIdentifier(validIdentifier(value.name, what));
    case 'qualified':
      if (value.parts.length < 1 || value.parts.length > 3) throw new ConfigError(`${what}: a qualified name has 1 to 3 parts`);
      return value.parts.map((part) => quoteIdentifier(validIdentifier(part, what))).join('.');
    case 'integer': {
      const { value: n, min, max } = value;
      if (!Number.isSafeInteger(n)) throw new ConfigError(`${what}: expected an integer, got ${JSON.stringify(n)}`);
      if (min !== undefined && n < min) throw new ConfigError(`${what}: ${n} is less than ${min}`);
      if (max !== undefined && n > max) throw new ConfigError(`${what}: ${n} is more than ${max}`);
      return String(n);
    }
    case 'keyword': {
      const word = typeof value.value === 'string' ? value.value.toUpperCase() : '';
      if (!value.allowed.includes(word))
        throw new ConfigError(`${what}: ${JSON.stringify(value.value)} is not one of ${value.allowed.join(', ')}`);
      return word;
    }
    case 'fileUrl': {
      // PUT takes no binds: the driver reads the path itself. Only absolute paths without quotes,
      // backslashes or control characters are accepted, so the literal cannot be broken out of.
      if (!value.path.startsWith('/') || /['\\\u0000-\u001f]/.test(value.path))
        throw new TemplateError(`${what}: cannot PUT ${JSON.stringify(value.path)} (absolute paths without quotes or backslashes only)`);
      return `'file://${value.path}'`;
    }
    case 'pathSegment':
      if (!/^[a-z0-9_-]+$/.test(value.value)) throw new TemplateError(`${what}: ${JSON.stringify(value.value)} is not a stage folder name`);
      return value.value;
    case 'publicKey':
      if (!/^[A-Za-z0-9+/]{40,}={0,2}$/.test(value.body)) throw new TemplateError(`${what}: not the base64 body of a public key`);
      return `'${value.body}'`;
    case 'nameLiteral':
      return `'${renderValue(key, { kind: 'qualified', parts: value.parts, ...(value.label ? { label: value.label } : {}) })}'`;
    case 'dollarQuoted':
      // The Snowflake CLI's rule: a `$` followed by `$` (or ending the text, where the closing `$$`
      // follows) becomes \u0024, which JSON strings read back as `$`: the text cannot close the block.
      return `$$${value.text.replace(/\$(?=\$|$)/g, '\\u0024')}$$`;
    case 'minuteSchedule':
      if (!Number.isSafeInteger(value.minutes) || value.minutes < 1 || value.minutes > 11_520) throw new ConfigError(`${what}: ${value.minutes} minutes is not a task schedule (1 to 11520)`);
      return `'${value.minutes} MINUTE'`;
    case 'scriptBlock': {
      if (value.statements.length === 0) throw new TemplateError(`${what}: a script block needs statements`);
      const block = `\nBEGIN\n${value.statements.map((s) => `${s.trim()};\n`).join('')}END;\n`;
      if (!block.includes('$$')) return `$$${block}$$`;
      return `'${block.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
    }
    default:
      throw new TemplateError(`${key}: unknown value kind ${JSON.stringify((value as { kind: unknown }).kind)}`);
  }
}

function validIdentifier(name: string, what: string): string {
  try {
    return checkIdentifier(name, what);
  } catch (error) {
    if (error instanceof IdentifierError)
      throw new ConfigError(error.message, { hint: 'Use a plain Snowflake name: letters, digits, _ and $, not starting with a digit.' });
    throw error;
  }
}

/** The package's sql/ folder. */
export function sqlDirectory(): string {
  return packagePath('sql');
}

/** Reads a template by its path under sql/, e.g. `setup/01-roles.sql`. */
export function loadTemplate(path: string): string {
  if (!/^[a-z0-9-]+\/[a-z0-9-]+\.sql$/.test(path)) throw new TemplateError(`not a template path: ${path}`);
  return readFileSync(join(sqlDirectory(), path), 'utf8');
}

/** Reads a procedure's JavaScript source by its path under sql/, e.g. `recommend/puresvd.js`. */
export function loadScript(path: string): string {
  if (!/^[a-z0-9-]+\/[a-z0-9-]+\.js$/.test(path)) throw new TemplateError(`not a script path: ${path}`);
  return readFileSync(join(sqlDirectory(), path), 'utf8');
}

/** Loads and renders `sql/<path>`. */
export function renderFile(path: string, values: TemplateValues): string {
  return renderTemplate(loadTemplate(path), values, path);
}
