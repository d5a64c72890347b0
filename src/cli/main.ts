// The entry: parses argv, builds the context once, runs the command, renders its result, and is the
// only place that decides the exit code. Nothing else exits the process.
import { CommanderError, type Command } from 'commander';
import { createRequire } from 'node:module';
import { stdin } from 'node:process';
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../config/load.js';
import type { PapiConfig } from '../config/types.js';
import { colorLevel } from '../ui/color.js';
import { CancelledError, ExitCode, exitCodeOf, UsageError } from '../ui/errors.js';
import { Output, type Stream } from '../ui/output.js';
import { isUsableTerminal } from '../ui/terminal.js';
import type { Target } from '../snowflake/target.js';
import { withOwnConnection, type ConnectedContext, type TargetContext } from '../context.js';
import { parseOptions, type AnyCommand } from './define.js';
import { buildProgram, globalsOf } from './program.js';

export interface MainIO {
  stdout: Stream;
  stderr: Stream;
  env: Record<string, string | undefined>;
  cwd: string;
  stdinIsTTY: boolean;
  /** Aborts the running command (Ctrl-C). The entry wires SIGINT to it. */
  signal?: AbortSignal;
}

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export async function main(argv: string[], io: MainIO = processIO()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let output: Output | undefined;
  const controller = new AbortController();
  io.signal?.addEventListener('abort', () => controller.abort(io.signal?.reason), { once: true });

  const run = async (spec: AnyCommand, command: Command, args: string[]) => {
    const globals = globalsOf(command);
    const isCI = Boolean(io.env.CI) && io.env.CI !== 'false';
    // One decision for colour and spinners: a TTY that reports no width is no terminal.
    const terminal = isUsableTerminal(io.stderr);
    const out = await new Output({
      stdout: io.stdout,
      stderr: io.stderr,
      json: globals.json,
      verbose: globals.verbose,
      colorLevel: colorLevel({ flag: globals.color, env: io.env, isTTY: terminal }),
      spinners: terminal && !isCI && !globals.json,
    }).init();
    output = out;
    const { options, settings } = parseOptions(spec.options ?? {}, command.opts());
    const interactive = io.stdinIsTTY && Boolean(io.stdout.isTTY) && !isCI;
    let config: Promise<PapiConfig> | undefined;
    let target: Promise<Target> | undefined;
    const ctx: TargetContext = {
      out,
      globals,
      env: io.env,
      cwd: io.cwd,
      interactive,
      signal: controller.signal,
      config: () =>
        (config ??= loadConfig({
          cwd: io.cwd,
          env: io.env,
          configPath: globals.config,
          connectionName: globals.connection,
          flags: settings,
          warn: (m) => out.warn(m),
          debug: (m) => out.debug(m),
        })),
      target: async () => {
        if (!spec.needs) throw new Error(`papi ${spec.name} uses the target without declaring it (needs)`);
        const { resolveTarget } = await import('../snowflake/target.js');
        return (target ??= ctx.config().then((c) => resolveTarget(c, { out, env: io.env, cwd: io.cwd, signal: controller.signal })));
      },
      confirm: async (question) => {
        const rl = createInterface({ input: stdin, output: io.stderr as NodeJS.WritableStream });
        try {
          const answer = await rl.question(`${question} [y/N] `);
          return /^y(es)?$/i.test(answer.trim());
        } finally {
          rl.close();
        }
      },
    };
    // A command that declares a connection gets one, opened on first use and closed when it ends.
    const execute = (connected: ConnectedContext) => spec.run!(connected, args, options);
    const undeclared = () => Promise.reject(new Error(`papi ${spec.name} opens a connection without declaring it (needs)`));
    const result = spec.needs === 'connection' ? await withOwnConnection(ctx, execute) : await execute({ ...ctx, connection: undeclared });
    if (result) out.result(result.data, result.human);
  };

  const program = buildProgram(version, run, {
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every parse error is a usage error (commander already printed it).
      exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    } else {
      const failure = controller.signal.aborted && !(error instanceof UsageError) ? asCancelled(error) : error;
      (output ?? fallbackOutput(io)).error(failure);
      exitCode = exitCodeOf(failure);
    }
  }
  return exitCode;
}

function asCancelled(error: unknown): unknown {
  return error instanceof CancelledError ? error : new CancelledError('Interrupted.', { cause: error });
}

function fallbackOutput(io: MainIO): Output {
  return new Output({ stdout: io.stdout, stderr: io.stderr, json: false, verbose: false, colorLevel: 0, spinners: false });
}

function processIO(): MainIO {
  // `papi … | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    // First Ctrl-C asks the command to stop and clean up; a second one leaves at once.
    if (++interrupts > 1) process.exit(ExitCode.interrupted);
    controller.abort(new CancelledError('Interrupted.'));
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    signal: controller.signal,
  };
}
