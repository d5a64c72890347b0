// The lifeline around each container process: papi local starts `node -e LIFELINE -- <argv>`, which
// starts the container and holds a pipe from papi local on its stdin. When papi local ends in any
// way — even SIGKILL, which runs no handler — the kernel closes that pipe, and the lifeline stops the
// container (SIGTERM, SIGKILL after the grace) and exits. The service inside never knows (on
// Snowflake nothing of the sort is there). SIGTERM and SIGINT to the lifeline go to the container;
// the lifeline exits as the container did (its code, or the same signal).
// A script given to `node -e`, not a module: it must run from source (tests) and from dist alike.

export const LIFELINE_GRACE_MS = 5000;

export const LIFELINE_SCRIPT = `
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let ending = false;
const end = (signal) => {
  if (ending) return;
  ending = true;
  child.kill(signal);
  setTimeout(() => child.kill('SIGKILL'), ${LIFELINE_GRACE_MS}).unref();
};
process.on('SIGTERM', () => end('SIGTERM'));
process.on('SIGINT', () => end('SIGINT'));
process.stdin.on('end', () => end('SIGTERM')).on('close', () => end('SIGTERM')).on('error', () => end('SIGTERM')).resume();
child.on('error', (error) => {
  process.stderr.write('papi local: could not start the container: ' + error.message + '\\n');
  process.exit(127);
});
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
});
`;

/** The argv that runs `argv` under a lifeline: spawn it with a pipe on stdin and keep that pipe open. */
export function underLifeline(argv: readonly string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: ['-e', LIFELINE_SCRIPT, '--', ...argv] };
}
