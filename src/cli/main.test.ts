import { describe, expect, it } from 'vitest';
import { runCli } from '../__tests__/support/cli.js';
import { COMMANDS } from './commands/index.js';
import type { AnyCommand as CommandSpec } from './define.js';

function paths(specs: CommandSpec[], prefix: string[] = []): string[][] {
  return specs.flatMap((spec) => [[...prefix, spec.name], ...paths(spec.subcommands ?? [], [...prefix, spec.name])]);
}

describe('papi (in-process)', () => {
  it('prints help on stdout and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    for (const spec of COMMANDS) expect(run.stdout).toContain(spec.name);
    expect(run.stdout).toContain('Exit codes');
  });

  it.each(paths(COMMANDS))('papi %s --help is real: summary, and examples for runnable commands', async (...path) => {
    const run = await runCli([...path, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: papi /);
    const spec = path.reduce<CommandSpec | undefined>(
      (found, name, i) => (i === 0 ? COMMANDS : (found?.subcommands ?? [])).find((s) => s.name === name),
      undefined,
    )!;
    expect(run.stdout).toContain(spec.summary.slice(0, 30));
    if (spec.run) expect(run.stdout).toContain('Examples:');
  });

  it('prints the version', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 on an unknown command, with a suggestion', async () => {
    const run = await runCli(['setpu']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("unknown command 'setpu'");
    expect(run.stderr).toContain('setup');
  });

  it('exits 2 on an unknown option and on a missing argument', async () => {
    expect((await runCli(['get', '22', '--bogus'])).code).toBe(2);
    const missing = await runCli(['get']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'ids'");
  });

  it('exits 2 on an invalid choice', async () => {
    const run = await runCli(['deploy', '--builder', 'kaniko']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('kaniko');
  });
});
