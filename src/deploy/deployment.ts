// The last deployment of this project (.papi/deployment.json): where the endpoint is, so `papi get`,
// `papi token` and `papi bench` reach it without asking Snowflake each time. Not a secret.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../ui/errors.js';

const deploymentSchema = z.object({
  version: z.literal(1),
  target: z.enum(['local', 'snowflake']),
  /** The account's URL (the SQL API and /oauth/token live there). */
  accountUrl: z.string(),
  account: z.string(),
  service: z.string(),
  /** The endpoint's ingress host as SHOW ENDPOINTS gives it (no scheme). */
  endpointHost: z.string(),
  /** The base URL to call: https://<host>, or http:// for papi local's loopback ingress. */
  url: z.string(),
  image: z.object({ reference: z.string(), digest: z.string() }),
  deployedAt: z.string(),
});

export type Deployment = z.infer<typeof deploymentSchema>;

export async function readDeployment(file: string): Promise<Deployment | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = deploymentSchema.safeParse(safeJson(text));
  if (!parsed.success)
    throw new ConfigError(`${file} is damaged`, { hint: 'Run `papi deploy` again to rewrite it (or delete the file).' });
  return parsed.data;
}

export async function writeDeployment(file: string, deployment: Deployment): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(deployment, null, 2)}\n`, { mode: 0o644 });
  await rename(temp, file);
}

/**
 * SPCS ingress is HTTPS; papi local's ingress listens on loopback over plain HTTP. The deploy passes
 * the account URL's scheme; without it (papi status) a loopback host means papi local.
 */
export function endpointUrl(host: string, protocol?: 'http' | 'https'): string {
  const bare = host.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (protocol) return `${protocol}://${bare}`;
  return /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(bare) ? `http://${bare}` : `https://${bare}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
