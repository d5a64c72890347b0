// What can be checked without a Docker engine (the interop tier builds and pushes with a real one):
// the template is where the builder looks for it, and a missing docker binary is a ToolError with a hint.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../ui/errors.js';
import { dockerBuildArgs, dockerPreflight, pushedDigest, templateDockerfile } from './docker.js';

describe('docker builder', () => {
  it('finds templates/Dockerfile, which runs the bundle with node', () => {
    const text = readFileSync(templateDockerfile(), 'utf8');
    expect(text).toMatch(/^FROM \$\{BASE_IMAGE\}$/m);
    expect(text).toContain('ENTRYPOINT ["node", "/app/server.mjs"]');
  });

  it("reads the pushed digest from docker push's last digest line", () => {
    const hex = 'ab'.repeat(32);
    const output = ['The push refers to repository [127.0.0.1:5000/db/schema/repo/papi-service]', '5f70bf18a086: Pushed', `20260101-1: digest: sha256:${hex} size: 735`].join('\n');
    expect(pushedDigest(output)).toBe(`sha256:${hex}`);
    expect(pushedDigest('5f70bf18a086: Pushed')).toBeUndefined();
  });

  it('reports a missing docker binary as a ToolError with a hint', async () => {
    const error = await dockerPreflight({ docker: 'papi-test-no-such-docker' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('DOCKER_MISSING');
    expect((error as ToolError).hint).toMatch(/daemonless/);
  });

  it('builds without provenance attestations when BuildKit takes the flag, and without the flag otherwise', () => {
    const options = { contextDir: '/ctx', image: 'h/db/s/r/papi-service:t', baseImage: 'node:24' };
    const buildKit = dockerBuildArgs(options, true);
    expect(buildKit).toContain('--provenance=false');
    expect(buildKit.slice(0, 3)).toEqual(['build', '--platform', 'linux/amd64']);
    expect(buildKit.at(-1)).toBe('/ctx');
    expect(dockerBuildArgs(options, false)).not.toContain('--provenance=false');
  });
});
