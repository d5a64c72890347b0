// Layer extraction on real tar files: order, whiteouts, opaque directories, symlinks, hard links,
// and entries that try to leave the root.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractLayers, UnsafeLayerError } from './extract.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; content?: string; linkname?: string; mode?: number };

let dir: string;
let count = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'papi-extract-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function layer(entries: Entry[], gzip = true): Promise<{ file: string; mediaType: string }> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const entry of entries) {
    await new Promise<void>((resolve, reject) => {
      const header = { name: entry.name, type: entry.type ?? 'file', mode: entry.mode ?? (entry.type === 'directory' ? 0o755 : 0o644), ...(entry.linkname ? { linkname: entry.linkname } : {}) };
      const done = (error?: Error | null): void => (error ? reject(error) : resolve());
      if ((entry.type ?? 'file') === 'file') pack.entry(header, entry.content ?? '', done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  await ended;
  const bytes = Buffer.concat(chunks);
  const file = join(dir, `layer-${count++}`);
  writeFileSync(file, gzip ? gzipSync(bytes) : bytes);
  return { file, mediaType: gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar' };
}

describe('extractLayers', () => {
  it('applies layers in order with whiteouts, opaque directories, symlinks and hard links', async () => {
    const root = join(dir, 'root');
    const lower = await layer([
      { name: 'app/', type: 'directory' },
      { name: 'app/keep.txt', content: 'keep' },
      { name: 'app/gone.txt', content: 'gone' },
      { name: 'etc/', type: 'directory' },
      { name: 'etc/old.conf', content: 'old' },
      { name: 'bin/run.sh', content: '#!/bin/sh', mode: 0o755 },
    ]);
    const upper = await layer(
      [
        { name: 'app/.wh.gone.txt' },
        { name: 'etc/.wh..wh..opq' },
        { name: 'etc/new.conf', content: 'new' },
        { name: 'app/link', type: 'symlink', linkname: 'keep.txt' },
        { name: 'app/hard', type: 'link', linkname: 'app/keep.txt' },
        { name: './app/keep.txt', content: 'replaced' },
      ],
      false,
    );
    await extractLayers([lower, upper], root);
    expect(readFileSync(join(root, 'app/keep.txt'), 'utf8')).toBe('replaced');
    expect(existsSync(join(root, 'app/gone.txt'))).toBe(false);
    expect(existsSync(join(root, 'etc/old.conf'))).toBe(false);
    expect(readFileSync(join(root, 'etc/new.conf'), 'utf8')).toBe('new');
    expect(lstatSync(join(root, 'app/link')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(root, 'app/link'))).toBe('keep.txt');
    expect(readFileSync(join(root, 'app/hard'), 'utf8')).toBe('keep');
    expect(statSync(join(root, 'bin/run.sh')).mode & 0o777).toBe(0o755);
  });

  it('refuses entries that climb out of the root', async () => {
    const root = join(dir, 'root');
    await expect(extractLayers([await layer([{ name: '../evil.txt', content: 'x' }])], root)).rejects.toBeInstanceOf(UnsafeLayerError);
    expect(existsSync(join(dir, 'evil.txt'))).toBe(false);
    await expect(extractLayers([await layer([{ name: 'a', type: 'link', linkname: '../../etc/passwd' }])], root)).rejects.toBeInstanceOf(UnsafeLayerError);
  });

  it('refuses whiteouts of "", "." and "..": one layer cannot delete its directory, the root or the folder of every image', async () => {
    // The runtime unpacks each image into a folder beside the others: images/<digest>.
    const images = join(dir, 'images');
    const neighbour = join(images, 'other-image', 'keep.txt');
    mkdirSync(join(images, 'other-image'), { recursive: true });
    writeFileSync(neighbour, 'another image');
    for (const name of ['.wh...', '.wh..', '.wh.', './.wh...', 'app/.wh...', 'app/.wh..', 'app/.wh.']) {
      const root = join(images, `root-${count}`);
      const lower = await layer([{ name: 'app/keep.txt', content: 'keep' }]);
      await expect(extractLayers([lower, await layer([{ name }])], root), name).rejects.toBeInstanceOf(UnsafeLayerError);
      expect(existsSync(neighbour), name).toBe(true);
      expect(readFileSync(join(root, 'app/keep.txt'), 'utf8'), name).toBe('keep');
    }
  });

  it('still applies a whiteout of a dot-file and an opaque whiteout at the top of the image', async () => {
    const root = join(dir, 'root');
    const lower = await layer([{ name: 'old.txt', content: 'old' }, { name: 'app/.env', content: 'x' }, { name: 'app/other', content: 'y' }]);
    await extractLayers([lower, await layer([{ name: 'app/.wh..env' }])], root);
    expect(existsSync(join(root, 'app/.env'))).toBe(false);
    expect(readFileSync(join(root, 'app/other'), 'utf8')).toBe('y');
    await extractLayers([await layer([{ name: '.wh..wh..opq' }, { name: 'new.txt', content: 'new' }])], root);
    expect(existsSync(join(root, 'old.txt'))).toBe(false);
    expect(existsSync(join(root, 'app'))).toBe(false);
    expect(readFileSync(join(root, 'new.txt'), 'utf8')).toBe('new');
  });

  it('follows symlinks inside the root only: an absolute link target stays under the root', async () => {
    const root = join(dir, 'root');
    const outside = join(dir, 'outside');
    await extractLayers(
      [
        await layer([{ name: 'escape', type: 'symlink', linkname: outside }]),
        await layer([{ name: 'escape/file.txt', content: 'contained' }]),
        await layer([{ name: 'up', type: 'symlink', linkname: '../../..' }]),
        await layer([{ name: 'up/other.txt', content: 'contained too' }]),
      ],
      root,
    );
    expect(existsSync(join(outside, 'file.txt'))).toBe(false);
    expect(readFileSync(join(root, outside, 'file.txt'), 'utf8')).toBe('contained');
    expect(existsSync(join(dir, 'other.txt'))).toBe(false);
    expect(readFileSync(join(root, 'other.txt'), 'utf8')).toBe('contained too');
  });
});
