// One container of a service instance as a child process: start, readiness probe (HTTP GET until
// 200), exit → FAILED with the exit code and a restart after a growing back-off (the status stays
// FAILED until the restarted process is ready again, like a crash loop), stop with SIGTERM and
// SIGKILL after a grace period. Output goes to a LogRing for SYSTEM$GET_SERVICE_LOGS. Each process
// runs under a lifeline (lifeline.ts) in a process group of its own, so it dies with papi local even
// when papi local is killed without a chance to stop it.

import { spawn, type ChildProcess } from 'node:child_process';
import { underLifeline } from './lifeline.js';
import { LogRing } from './logs.js';

export type ContainerState = 'PENDING' | 'READY' | 'FAILED' | 'DONE';

export interface ContainerLaunch {
  name: string;
  /** Executable and arguments, already mapped onto the host. */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** The real port the container listens on (its PORT), if it serves one. */
  listenPort?: number;
  /** The real port the readiness probe targets, if the spec has a probe; headers it sends (the ingress guard's). */
  probe?: { port: number; path: string; headers?: Record<string, string> };
  imageName: string;
  imageDigest: string;
}

export interface ContainerTimings {
  probeIntervalMs: number;
  /** How long a container without a readiness probe must run before it counts as READY. */
  readyWithoutProbeMs: number;
  stopGraceMs: number;
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
}

export class Container {
  state: ContainerState = 'PENDING';
  message = 'Waiting to start';
  restartCount = 0;
  lastExitCode?: number;
  startTime?: string;
  readonly logs = new LogRing();
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private stopped = false;
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly launch: ContainerLaunch,
    private readonly timings: ContainerTimings,
  ) {}

  start(): void {
    if (this.stopped) return;
    const { command, args } = underLifeline(this.launch.argv);
    // stdin is the lifeline's pipe: papi local never writes to it and never closes it while it runs.
    const child = spawn(command, args, { cwd: this.launch.cwd, env: this.launch.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.startTime = new Date().toISOString();
    if (this.state !== 'FAILED') this.message = 'Container is starting';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.logs.write('stdout', chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => this.logs.write('stderr', chunk));
    this.exited = new Promise((resolve) => {
      let done = false;
      const finish = (code: number): void => {
        if (done) return;
        done = true;
        this.onExit(code);
        resolve();
      };
      child.once('error', (error) => {
        this.logs.note(`papi local: could not start the container: ${error.message}`);
        finish(127);
      });
      child.once('exit', (code, signal) => finish(code ?? 128 + signalNumber(signal)));
    });
    if (this.launch.probe) this.probe(child);
    // Without a probe a container is ready once it has stayed up a moment (an instant crash is not "ready").
    else this.later(() => this.child === child && this.running && this.markReady(), this.timings.readyWithoutProbeMs);
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.state = 'DONE';
      this.message = 'Terminating';
      child.kill('SIGTERM');
      const kill = setTimeout(() => killGroup(child), this.timings.stopGraceMs);
      await this.exited;
      clearTimeout(kill);
    }
    this.state = 'DONE';
    this.message = 'Container terminated';
  }

  /** For process exit: no waiting, no grace. */
  killNow(): void {
    this.stopped = true;
    if (this.running) killGroup(this.child!);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  private onExit(code: number): void {
    this.logs.flush();
    this.child = undefined;
    if (this.stopped) return;
    this.lastExitCode = code;
    this.restartCount++;
    this.state = 'FAILED';
    this.message = `Container exited with code ${code}; restarting`;
    this.logs.note(`papi local: container ${this.launch.name} exited with code ${code}`);
    const delay = Math.min(this.timings.restartBackoffMs * 2 ** (this.restartCount - 1), this.timings.restartBackoffMaxMs);
    this.later(() => this.start(), delay);
  }

  private markReady(): void {
    this.state = 'READY';
    this.message = 'Running';
  }

  private probe(child: ChildProcess): void {
    const { port, path, headers } = this.launch.probe!;
    const attempt = async (): Promise<void> => {
      if (this.stopped || this.child !== child) return;
      try {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { ...(headers ? { headers } : {}), signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.status === 200 && this.child === child && !this.stopped) {
          this.markReady();
          return;
        }
        if (this.state !== 'FAILED') this.message = `Readiness probe answered HTTP ${response.status}`;
      } catch {
        // Not listening yet.
      }
      this.later(() => void attempt(), this.timings.probeIntervalMs);
    };
    this.later(() => void attempt(), Math.min(100, this.timings.probeIntervalMs));
  }

  private later(action: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15 };
  return signal ? (numbers[signal] ?? 0) : 0;
}

/** SIGKILL to the lifeline's whole process group: the lifeline and the container with it. */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
