// papi local as its own process (`papi local start --port P --json`, the built bin/papi), and a
// Snowflake home with a connections.toml pointing at it by host, port and protocol: how someone
// would use papi local from another tool, or papi itself with `-c NAME`.
import { execa, type ResultPromise } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'smol-toml';
import { packagePath } from '../../paths.js';

export interface LocalProcess {
  port: number;
  accessUrl: string;
  account: string;
  user: string;
  password: string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (papi local is told to use exactly it, as a user would). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startLocalProcess(dataDir: string, flags: string[] = []): Promise<LocalProcess> {
  const port = await freePort();
  const child: ResultPromise = execa(process.execPath, [packagePath('bin', 'papi'), 'local', 'start', '--json', '--port', String(port), '--data-dir', dataDir, ...flags], {
    env: { NO_COLOR: '1' },
    reject: false,
    buffer: false,
  });
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`papi local exited ${code} before it was ready`)));
  });
  const running = JSON.parse(line) as { accessUrl: string; account: string; user: string; password: string };
  return {
    port,
    ...running,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

/** HOME/.snowflake/connections.toml (0600, in a 0700 folder) with these connections. */
export async function writeConnections(home: string, connections: Record<string, Record<string, string | number | boolean>>): Promise<string> {
  const dir = join(home, '.snowflake');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'connections.toml');
  await writeFile(file, stringify(connections), { mode: 0o600 });
  return file;
}
