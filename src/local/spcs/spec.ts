// The SPCS service specification (YAML or JSON): parsed and validated with Snowflake-like messages.
// Only what papi local runs is kept; known-but-ignored fields (resources, secrets, volumes,
// platformMonitor, serviceRoles, capabilities) are accepted so real specs still load.

import { parse as parseYaml } from 'yaml';
import { ErrorCode, SqlError } from '../errors.js';

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env: Record<string, string>;
  readinessProbe?: { port: number; path: string };
}

export interface EndpointSpec {
  name: string;
  port: number;
  public: boolean;
  protocol: 'HTTP' | 'HTTPS' | 'TCP';
}

export interface ServiceSpec {
  containers: ContainerSpec[];
  endpoints: EndpointSpec[];
}

/** Container and endpoint names: lower-case letters, digits and '-', starting with a letter, ≤ 63. */
const NAME = /^[a-z][a-z0-9-]{0,62}$/;

function invalid(message: string): SqlError {
  return new SqlError('395018', '22023', `Invalid spec: ${message}`);
}

export function parseSpecification(text: string): ServiceSpec {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new SqlError(ErrorCode.syntax, '42000', `Invalid spec: unable to parse the specification as YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isObject(document)) throw invalid('the specification must be a mapping with a top-level "spec".');
  const spec = document.spec;
  if (!isObject(spec)) throw invalid('missing required field "spec".');
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) throw invalid('"spec.containers" must list at least one container.');

  const containers = spec.containers.map((raw, index) => container(raw, index));
  unique(containers.map((entry) => entry.name), 'container');
  const endpoints = spec.endpoints === undefined ? [] : Array.isArray(spec.endpoints) ? spec.endpoints.map((raw, index) => endpoint(raw, index)) : undefined;
  if (endpoints === undefined) throw invalid('"spec.endpoints" must be a list.');
  unique(endpoints.map((entry) => entry.name), 'endpoint');
  return { containers, endpoints };
}

function container(raw: unknown, index: number): ContainerSpec {
  const where = `spec.containers[${index}]`;
  if (!isObject(raw)) throw invalid(`${where} must be a mapping.`);
  const name = requireName(raw.name, `${where}.name`);
  if (typeof raw.image !== 'string' || raw.image.trim() === '') throw invalid(`${where}.image is required.`);
  const result: ContainerSpec = { name, image: raw.image.trim(), env: env(raw.env, `${where}.env`) };
  if (raw.command !== undefined) result.command = stringList(raw.command, `${where}.command`);
  if (raw.args !== undefined) result.args = stringList(raw.args, `${where}.args`);
  if (raw.readinessProbe !== undefined) {
    const probe = raw.readinessProbe;
    if (!isObject(probe)) throw invalid(`${where}.readinessProbe must be a mapping with port and path.`);
    const port = portNumber(probe.port, `${where}.readinessProbe.port`);
    if (typeof probe.path !== 'string' || !probe.path.startsWith('/')) throw invalid(`${where}.readinessProbe.path must start with "/".`);
    result.readinessProbe = { port, path: probe.path };
  }
  return result;
}

function endpoint(raw: unknown, index: number): EndpointSpec {
  const where = `spec.endpoints[${index}]`;
  if (!isObject(raw)) throw invalid(`${where} must be a mapping.`);
  const name = requireName(raw.name, `${where}.name`);
  if (raw.portRange !== undefined) throw invalid(`${where}.portRange is not supported by papi local; give a single port.`);
  const port = portNumber(raw.port, `${where}.port`);
  const isPublic = raw.public === undefined ? false : raw.public;
  if (typeof isPublic !== 'boolean') throw invalid(`${where}.public must be true or false.`);
  const protocol = raw.protocol === undefined ? 'HTTP' : String(raw.protocol).toUpperCase();
  if (protocol !== 'HTTP' && protocol !== 'HTTPS' && protocol !== 'TCP') throw invalid(`${where}.protocol must be HTTP, HTTPS or TCP.`);
  if (isPublic && protocol === 'TCP') throw invalid(`${where}: a public endpoint must use HTTP or HTTPS.`);
  return { name, port, public: isPublic, protocol };
}

function requireName(value: unknown, where: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw invalid(`${where} "${String(value)}" is not a valid name: use up to 63 lower-case letters, digits and "-", starting with a letter.`);
  }
  return value;
}

function portNumber(value: unknown, where: string): number {
  const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`${where} must be a port number from 1 to 65535.`);
  return port;
}

function env(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalid(`${where} must be a mapping of names to values.`);
  const result: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw invalid(`${where}: "${name}" is not a valid environment variable name.`);
    if (entry !== null && typeof entry === 'object') throw invalid(`${where}.${name} must be a string, number or boolean.`);
    result[name] = entry === null || entry === undefined ? '' : String(entry);
  }
  return result;
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string' || typeof entry === 'number')) {
    throw invalid(`${where} must be a list of strings.`);
  }
  return value.map(String);
}

function unique(names: string[], what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw invalid(`duplicate ${what} name "${name}".`);
    seen.add(name);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
