import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { monotonicMs } from './clock.js';
import { createLogger, describeError, fdSink, maskSecrets, type RequestLogLine } from './log.js';

describe('log', () => {
  it('writes one JSON line per event', () => {
    const lines: string[] = [];
    const log = createLogger((line) => lines.push(line));
    log.info('listening', { port: 8001 });
    log.request({ requestId: 'r', method: 'GET', path: '/', status: 503, ms: 1.5 });
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      { time: expect.any(String), level: 'info', event: 'listening', port: 8001 },
      { time: expect.any(String), level: 'error', event: 'request', requestId: 'r', method: 'GET', path: '/', status: 503, ms: 1.5 },
    ]);
  });

  it('builds request lines as text that parse to the same fields, in the same order, with the ISO time', () => {
    const lines: string[] = [];
    const log = createLogger((line) => lines.push(line));
    log.request({ requestId: 'a"b\\c', method: 'GET', path: '/customer/:ids', status: 200, ids: 3, cache: 'PARTIAL', ms: 0.25 });
    log.request({ requestId: 'r', method: 'HEAD', path: '(unmatched)', status: 404, ms: 2 });
    // The fields after the id are kept from one line to the next while they match: each change shows.
    log.request({ requestId: 'r', method: 'HEAD', path: '(unmatched)', status: 404, ms: 2 });
    log.request({ requestId: 'r', method: 'HEAD', path: '(unmatched)', status: 404, ids: 1, ms: 2 });
    log.request({ requestId: 'r', method: 'HEAD', path: '(unmatched)', status: 503, ids: 1, cache: 'MISS', ms: 2 });
    log.request({ requestId: 'r', method: 'GET', path: '/', status: 503, ids: 1, cache: 'MISS', ms: 2 });
    log.request({ requestId: 'r', method: 'GET', path: '/', status: 503, ids: 1, cache: 'STALE', ms: 2 });
    expect(lines.slice(2).map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      { time: expect.any(String), level: 'info', event: 'request', requestId: 'r', method: 'HEAD', path: '(unmatched)', status: 404, ms: 2 },
      { time: expect.any(String), level: 'info', event: 'request', requestId: 'r', method: 'HEAD', path: '(unmatched)', status: 404, ids: 1, ms: 2 },
      { time: expect.any(String), level: 'error', event: 'request', requestId: 'r', method: 'HEAD', path: '(unmatched)', status: 503, ids: 1, cache: 'MISS', ms: 2 },
      { time: expect.any(String), level: 'error', event: 'request', requestId: 'r', method: 'GET', path: '/', status: 503, ids: 1, cache: 'MISS', ms: 2 },
      { time: expect.any(String), level: 'error', event: 'request', requestId: 'r', method: 'GET', path: '/', status: 503, ids: 1, cache: 'STALE', ms: 2 },
    ]);
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(first!)).toEqual(['time', 'level', 'event', 'requestId', 'method', 'path', 'status', 'ids', 'cache', 'ms']);
    expect(first).toMatchObject({ level: 'info', requestId: 'a"b\\c', ids: 3, cache: 'PARTIAL', ms: 0.25 });
    expect(new Date(first!.time as string).toISOString()).toBe(first!.time);
    expect(second).toEqual({ time: expect.any(String), level: 'info', event: 'request', requestId: 'r', method: 'HEAD', path: '(unmatched)', status: 404, ms: 2 });
  });

  it("takes a request line's time from its `at` reading of the monotonic clock", () => {
    const lines: string[] = [];
    const log = createLogger((line) => lines.push(line));
    log.request({ requestId: 'r', method: 'GET', path: '/', status: 200, ms: 1, at: monotonicMs() - 60_000 });
    log.request({ requestId: 'r', method: 'GET', path: '/', status: 200, ms: 1 });
    const [past, now] = lines.map((line) => Date.parse((JSON.parse(line) as { time: string }).time));
    expect(Math.abs(now! - Date.now())).toBeLessThan(1000);
    expect(Math.abs(now! - past! - 60_000)).toBeLessThan(1000);
  });

  it('writes durations as JSON numbers, the same text as String()', () => {
    const lines: string[] = [];
    const log = createLogger((line) => lines.push(line));
    const durations = [...Array.from({ length: 1000 }, (_, us) => us / 1000), 0.0005, 1, 1.5, 12.345, 1e21, 0.1 + 0.2];
    for (const ms of durations) log.request({ requestId: 'r', method: 'GET', path: '/', status: 200, ms });
    expect(lines.map((line) => /"ms":([^}]*)\}/.exec(line)![1])).toEqual(durations.map(String));
  });

  describe('with batchMs, request lines kept and made together', () => {
    const sample = (count: number, from = 0): RequestLogLine[] => {
      const at = monotonicMs();
      return Array.from({ length: count }, (_, n) => {
        const i = n + from;
        return { requestId: i === 7 ? 'a"b' : `r${i}`, method: 'GET', path: i % 50 === 0 ? '/' : '/customer/:ids', status: i % 30 === 0 ? 503 : 200, ids: i % 3 === 0 ? undefined : 1, cache: 'HIT', ms: i % 9 === 0 ? 1234.5 : i / 1000, at: at + i * 0.3 };
      });
    };
    const requestIds = (texts: string[]): string[] => texts.join('').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { requestId: string }).requestId);

    it('writes them after batchMs, the same text as made one by one, at most 64 lines to a write', async () => {
      const lines = sample(200);
      const oneByOne: string[] = [];
      const unbatched = createLogger((text) => oneByOne.push(text));
      const batchedTexts: string[] = [];
      const batched = createLogger((text) => batchedTexts.push(text), { batchMs: 20 });
      for (const line of lines) {
        unbatched.request(line);
        batched.request(line);
      }
      expect(batchedTexts).toEqual([]);
      for (let i = 0; i < 200 && batchedTexts.length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(batchedTexts.join('')).toBe(oneByOne.join(''));
      expect(batchedTexts.map((text) => text.split('\n').length - 1)).toEqual([64, 64, 64, 8]);
    });

    it('writes the lines kept before an event ahead of it, at once', () => {
      const texts: string[] = [];
      const log = createLogger((text) => texts.push(text), { batchMs: 60_000 });
      sample(3).forEach((line) => log.request(line));
      log.info('stopping', { signal: 'SIGTERM' });
      expect(texts.join('').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['request', 'request', 'request', 'stopping']);
    });

    it("muteRequests(prefix): while muted, the lines of those request ids are not written; other requests' lines and events are (the warm-up, warm-up.ts)", () => {
      for (const batchMs of [0, 60_000]) {
        const texts: string[] = [];
        const log = createLogger((text) => texts.push(text), { batchMs });
        const line = (requestId: string): RequestLogLine => ({ requestId, method: 'GET', path: '/customer/:ids', status: 200, ids: 1, cache: 'MISS', ms: 1 });
        log.request(line('warm-0'));
        const unmute = log.muteRequests('warm-');
        ['warm-1', 'real-1', 'warm-2'].forEach((id) => log.request(line(id)));
        log.info('warming');
        ['warm-3', 'real-2'].forEach((id) => log.request(line(id)));
        unmute();
        log.request(line('warm-4'));
        log.flush();
        const written = texts.join('').split('\n').filter(Boolean).map((text) => JSON.parse(text) as { event: string; requestId?: string });
        expect(written.map((entry) => entry.requestId ?? entry.event)).toEqual(['warm-0', 'real-1', 'warming', 'real-2', 'warm-4']);
      }
    });

    it('makes them early once 16,384 are kept, and flush() writes the rest', () => {
      const texts: string[] = [];
      const log = createLogger((text) => texts.push(text), { batchMs: 60_000 });
      sample(16_385).forEach((line) => log.request(line));
      const ids = requestIds(texts);
      expect(ids).toHaveLength(16_384);
      expect(ids.at(-1)).toBe('r16383');
      log.flush();
      expect(requestIds(texts)).toHaveLength(16_385);
    });
  });

  it('describes store errors with code and SQLSTATE, on one line, tokens masked', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJBQ01FLlNWQyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const error = Object.assign(new Error(`SQL compilation error:\nObject 'X' does not exist ${token}`), { code: '002003', sqlState: '42S02' });
    expect(describeError(error)).toEqual({
      error: 'Error',
      code: '002003',
      sqlState: '42S02',
      message: "SQL compilation error: Object 'X' does not exist ***",
    });
    expect(maskSecrets('short abc')).toBe('short abc');
  });
});

/** `contents` (importing ./log.ts) bundled with sonic-boom into `dir`, to run with node alone as the service bundle runs. */
async function bundledScript(dir: string, contents: string): Promise<string> {
  const script = join(dir, 'script.cjs');
  await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: script,
    logLevel: 'silent',
  });
  return script;
}

/** `contents` bundled (bundledScript) and run to its end with node alone: its stdout and stderr. */
async function runBundled(contents: string): Promise<{ stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'papi-log-run-'));
  try {
    const run = spawnSync(process.execPath, [await bundledScript(dir, contents)], { encoding: 'utf8' });
    return { stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('fdSink', () => {
  const lines = Array.from({ length: 1000 }, (_, i) => `{"n":${i}}\n`);

  it('writes every line, in order, once its batch is handed over; flush() writes what is pending at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papi-log-sink-'));
    try {
      const file = join(dir, 'out.log');
      const fd = openSync(file, 'w');
      const sink = fdSink(fd);
      lines.slice(0, 499).forEach((line) => sink.write(line));
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Nothing is written before a write says `now`.
      expect(readFileSync(file, 'utf8')).toBe('');
      sink.write(lines[499]!, true);
      for (let i = 0; i < 200 && readFileSync(file, 'utf8').length < lines.slice(0, 500).join('').length; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(readFileSync(file, 'utf8')).toBe(lines.slice(0, 500).join(''));
      lines.slice(500).forEach((line) => sink.write(line));
      sink.write('{"s":"é😀"}\n');
      sink.flush();
      expect(readFileSync(file, 'utf8')).toBe(`${lines.join('')}{"s":"é😀"}\n`);
      closeSync(fd);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands an event line over at once, with the request lines kept before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papi-log-now-'));
    try {
      const file = join(dir, 'out.log');
      const fd = openSync(file, 'w');
      // A minute's batch: only the event line can make anything reach the file in this test.
      const log = createLogger(fdSink(fd), { batchMs: 60_000 });
      log.request({ requestId: 'r', method: 'GET', path: '/customer/:ids', status: 200, ids: 1, cache: 'HIT', ms: 0.01 });
      log.info('listening', { port: 8080 });
      const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);
      for (let i = 0; i < 200 && lines().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(lines().map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['request', 'listening']);
      closeSync(fd);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes batches larger than its first buffer, and lines of any size, byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papi-log-grow-'));
    try {
      const file = join(dir, 'out.log');
      const fd = openSync(file, 'w');
      const sink = fdSink(fd);
      const big = [`{"s":"${'é'.repeat(100_000)}"}\n`, ...lines, `{"s":"${'x'.repeat(300_000)}😀"}\n`, '{"lone":"\ud800"}\n'];
      big.forEach((line) => sink.write(line));
      sink.flush();
      closeSync(fd);
      expect(readFileSync(file)).toEqual(Buffer.from(big.join('')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reuses the buffer of a batch once written, and never one still waiting for a slow reader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papi-log-reuse-'));
    try {
      // A batch per round, each line naming its round: the first rounds meet a reader that
      // is not reading yet (a full pipe: buffers still held), the later ones a reader keeping up
      // (written batches: their buffers taken again). Any batch overwritten before it was written
      // shows up as lost, repeated or mixed lines.
      const script = await bundledScript(
        dir,
        `import { fdSink } from './log.ts';
        const sink = fdSink(1);
        const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
        (async () => {
          for (let round = 0; round < 40; round++) {
            for (let i = 0; i < 500; i++) sink.write('{"round":' + round + ',"n":' + i + ',"pad":"' + 'x'.repeat(round % 7 * 40) + '"}\\n', i === 499);
            await pause(round < 20 ? 1 : 15);
          }
          sink.flush();
        })();`,
      );
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pause();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stdout.resume();
      const [code] = (await once(child, 'close')) as [number];
      expect(code).toBe(0);
      const expected = Array.from({ length: 40 }, (_, round) => Array.from({ length: 500 }, (_, i) => `{"round":${round},"n":${i},"pad":"${'x'.repeat((round % 7) * 40)}"}\n`).join('')).join('');
      expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes a logger's kept request lines, then its sink's, when the process exits without a flush", async () => {
    const run = await runBundled(
      `import { createLogger, fdSink } from './log.ts';
      const log = createLogger(fdSink(1), { batchMs: 60_000 });
      for (let i = 0; i < 1000; i++) log.request({ requestId: 'r' + i, method: 'GET', path: '/', status: 200, ms: 1 });
      process.exit(0);`,
    );
    expect(run.stderr).toBe('');
    const ids = run.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { requestId: string }).requestId);
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => `r${i}`));
  });

  it('writes what is pending when the process exits without a flush', async () => {
    const run = await runBundled(
      `import { fdSink } from './log.ts';
      const sink = fdSink(1);
      for (let i = 0; i < 1000; i++) sink.write('{"n":' + i + '}\\n');
      process.exit(0);`,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(lines.join(''));
  });
});
