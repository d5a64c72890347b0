// `--builder docker`: the same image built and pushed by a Docker engine, for teams that want a
// Dockerfile build. Argv arrays through execa (no shell), the registry password on stdin, and the
// built image's platform checked before it is pushed (SPCS runs linux/amd64 only).

import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ToolError } from '../ui/errors.js';
import type { BasicCredentials } from './auth.js';

/** templates/Dockerfile, from src/image or dist/image alike. */
export function templateDockerfile(): string {
  return fileURLToPath(new URL('../../templates/Dockerfile', import.meta.url));
}

export interface DockerOptions {
  /** The docker binary (default `docker`; PAPI_DOCKER lets users point elsewhere). */
  docker?: string;
  signal?: AbortSignal;
}

async function run(args: string[], options: DockerOptions, what: string, input?: string): Promise<string> {
  const docker = options.docker ?? 'docker';
  try {
    const result = await execa(docker, args, { ...(input !== undefined ? { input } : {}), ...(options.signal ? { cancelSignal: options.signal } : {}), stripFinalNewline: true });
    return result.stdout;
  } catch (error) {
    const failure = error as { code?: string; stderr?: string; exitCode?: number };
    if (failure.code === 'ENOENT') {
      throw new ToolError(`${docker} is not installed or not on PATH.`, {
        code: 'DOCKER_MISSING',
        hint: 'Install Docker, or build without it: papi deploy uses its daemonless builder unless --builder docker is given.',
        cause: error,
      });
    }
    const detail = (failure.stderr ?? '').trim().split('\n').slice(-5).join('\n');
    throw new ToolError(`docker ${what} failed${failure.exitCode !== undefined ? ` (exit ${failure.exitCode})` : ''}${detail ? `:\n${detail}` : '.'}`, { code: 'DOCKER_FAILED', cause: error });
  }
}

/** Checks that the client is installed and the engine answers. */
export async function dockerPreflight(options: DockerOptions = {}): Promise<string> {
  try {
    return await run(['version', '--format', '{{.Server.Version}}'], options, 'version');
  } catch (error) {
    if (error instanceof ToolError && error.code === 'DOCKER_FAILED') {
      throw new ToolError('The Docker engine does not answer.', { code: 'DOCKER_ENGINE', hint: 'Start Docker (or set DOCKER_HOST), or drop --builder docker to use the daemonless builder.', cause: error });
    }
    throw error;
  }
}

export interface DockerBuildOptions extends DockerOptions {
  /** The directory with the bundled service (server.mjs). */
  contextDir: string;
  /** Full target reference, e.g. `<host>/db/schema/repo/papi:20260101-1`. */
  image: string;
  /** Pinned base (`node:24-bookworm-slim@sha256:…`); the Dockerfile's default otherwise. */
  baseImage?: string;
  dockerfile?: string;
}

/**
 * The argv of `docker build`. With BuildKit (buildx), provenance attestations are off: with the
 * containerd image store they turn the pushed image into an index with an attestation manifest,
 * which a registry that expects one image manifest (as papi's own builder pushes) may refuse. The
 * legacy builder has no such flag and pushes no attestations, so it gets none.
 */
export function dockerBuildArgs(options: DockerBuildOptions, buildKit: boolean): string[] {
  const args = ['build', '--platform', 'linux/amd64'];
  if (buildKit) args.push('--provenance=false');
  args.push('--file', options.dockerfile ?? templateDockerfile(), '--tag', options.image);
  if (options.baseImage) args.push('--build-arg', `BASE_IMAGE=${options.baseImage}`);
  args.push(options.contextDir);
  return args;
}

/** Whether this `docker build` takes --provenance (BuildKit/buildx does, the legacy builder refuses it). */
export async function buildTakesProvenance(options: DockerOptions = {}): Promise<boolean> {
  const help = await run(['build', '--help'], options, 'build --help').catch(() => '');
  return /--provenance\b/.test(help);
}

export async function dockerBuild(options: DockerBuildOptions): Promise<void> {
  const args = dockerBuildArgs(options, await buildTakesProvenance(options));
  await run(args, options, 'build');
  const platform = await run(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', options.image], options, 'image inspect');
  if (platform !== 'linux/amd64') {
    throw new ToolError(`The built image is ${platform}, not linux/amd64; papi will not push it.`, {
      code: 'IMAGE_PLATFORM',
      hint: 'SPCS runs linux/amd64 images only: on Apple silicon enable amd64 emulation in Docker, or use the daemonless builder.',
    });
  }
}

/** `docker login --password-stdin`: the password (for Snowflake, the session-token JSON) never reaches argv. */
export async function dockerLogin(registry: string, credentials: BasicCredentials, options: DockerOptions = {}): Promise<void> {
  await run(['login', registry, '--username', credentials.username, '--password-stdin'], options, 'login', credentials.password);
}

/** `docker push`; answers the manifest digest the registry stored (the `digest: sha256:…` line). */
export async function dockerPush(image: string, options: DockerOptions = {}): Promise<string> {
  const output = await run(['push', image], options, 'push');
  const digest = pushedDigest(output);
  if (!digest) throw new ToolError(`docker push ${image} did not report the pushed digest.`, { code: 'DOCKER_FAILED' });
  return digest;
}

/** The last `digest: sha256:<hex>` of docker push's output. */
export function pushedDigest(output: string): string | undefined {
  return [...output.matchAll(/digest: (sha256:[0-9a-f]{64})/g)].at(-1)?.[1];
}

/** Forgets the registry login: the Snowflake session token it holds stops working once papi disconnects. */
export async function dockerLogout(registry: string, options: DockerOptions = {}): Promise<void> {
  await run(['logout', registry], options, 'logout');
}
