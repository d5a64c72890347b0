// Starting the benchmark servers as child processes, pinned to core 0 when taskset exists (the
// generator then pins itself to core 1: unpinned runs lose 16–24 % and are noisier).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import os from 'node:os';

export interface RunningServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const TASKSET = '/usr/bin/taskset';
const canPin = existsSync(TASKSET) && os.cpus().length >= 2;

/** Pins this process (all its threads) to core 1. Returns whether it did. */
export function pinSelf(): boolean {
  if (!canPin) return false;
  return spawnSync(TASKSET, ['-a', '-c', '-p', '1', String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/** Runs `node script` (core 0 when possible) and waits for it to send { port } over IPC. */
export async function startServer(script: string): Promise<RunningServer> {
  const command = canPin ? TASKSET : process.execPath;
  const args = canPin ? ['-c', '0', process.execPath, script] : [script];
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const timer = setTimeout(() => child.kill(), 20_000);
  try {
    const [message] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(() => {
        throw new Error(`${script} exited before listening`);
      }),
    ])) as [{ port: number }];
    return {
      url: `http://127.0.0.1:${message.port}`,
      pid: child.pid!,
      stop: async () => {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.disconnect?.();
        const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(kill);
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

