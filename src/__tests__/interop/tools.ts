// The interop tier checks papi against independent tools (CNCF distribution, skopeo, a Docker
// engine). Each test needs its tool: when it is missing the test is skipped with a line saying why,
// so the tier runs anywhere and says what it could not check.
import { execFileSync } from 'node:child_process';

/** The tool's path on PATH, or undefined. */
export function findTool(name: string): string | undefined {
  try {
    const path = execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' }).trim();
    return path || undefined;
  } catch {
    return undefined;
  }
}

/** undefined when every tool is there, else the reason to print when skipping. */
export function missingTools(...names: string[]): string | undefined {
  const missing = names.filter((name) => !findTool(name));
  if (missing.length === 0) return undefined;
  return `not installed: ${missing.join(', ')} (apt-get install -y docker-registry skopeo docker.io)`;
}

/**
 * Why a test is skipped: a tool that is not installed, or a Docker engine that cannot start on this
 * machine (root and kernel privileges). .ci/run reads these lines: after it installed the tools, only
 * the second kind may stay skipped.
 */
export type SkipKind = 'missing tool' | 'no docker engine';

export function announceSkip(what: string, reason: string, kind: SkipKind = 'missing tool'): void {
  process.stderr.write(`[interop] SKIPPED (${kind}) ${what}: ${reason}\n`);
}

/** A policy.json that lets skopeo copy unsigned images (its default policy may be absent or strict). */
export const PERMISSIVE_POLICY = JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] });
