// Unpacks an image's layers into a folder, in order, the way a container runtime builds its root
// filesystem: whiteouts (`.wh.name`) delete, opaque markers (`.wh..wh..opq`) empty a directory of
// what lower layers put there, symlinks and hard links are recreated. Every path is resolved inside
// the folder (symlinks followed as if the folder were `/`), and an entry that would land outside is
// refused, and so is a whiteout of "", "." or "..". Ownership is not applied (the runner is not root); permission bits are.

import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, link, lstat, mkdir, readdir, readlink, rm, symlink, unlink } from 'node:fs/promises';
import { join, posix, resolve, sep } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';

export class UnsafeLayerError extends Error {}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

export async function extractLayers(layers: Array<{ file: string; mediaType: string }>, root: string): Promise<void> {
  await mkdir(root, { recursive: true });
  for (const layer of layers) await extractLayer(layer.file, layer.mediaType, root);
}

async function extractLayer(file: string, mediaType: string, root: string): Promise<void> {
  const extract = tar.extract();
  /** Paths this layer created: an opaque marker must not delete them. */
  const created = new Set<string>();
  const source = createReadStream(file);
  const decoded: Readable = /gzip/.test(mediaType) || (await isGzip(file)) ? source.pipe(createGunzip()) : source.pipe(new PassThrough());
  const feeding = pipeline(decoded, extract);
  // Awaited below; when the loop throws first, its error is the one that matters.
  feeding.catch(() => undefined);
  try {
    await applyEntries(extract, root, created);
  } catch (error) {
    source.destroy();
    throw error;
  }
  await feeding;
}

async function applyEntries(extract: tar.Extract, root: string, created: Set<string>): Promise<void> {
  for await (const entry of extract) {
    const header = entry.header;
    const relative = safeRelative(header.name);
    if (relative === undefined) {
      entry.resume();
      continue; // the root itself
    }
    const parts = relative.split('/');
    const base = parts[parts.length - 1]!;
    const parent = await resolveInside(root, parts.slice(0, -1));
    if (base === OPAQUE) {
      await emptyExcept(parent, created);
      entry.resume();
      continue;
    }
    if (base.startsWith(WHITEOUT)) {
      await rm(whiteoutTarget(root, parent, header.name, base.slice(WHITEOUT.length)), { recursive: true, force: true });
      entry.resume();
      continue;
    }
    await mkdir(parent, { recursive: true });
    const target = join(parent, base);
    created.add(target);
    const mode = (header.mode ?? 0o644) & 0o777;
    switch (header.type) {
      case 'directory': {
        const existing = await lstat(target).catch(() => undefined);
        if (existing && !existing.isDirectory()) await rm(target, { recursive: true, force: true });
        await mkdir(target, { recursive: true });
        // Keep directories writable for us, so later layers and cleanup can change them.
        await chmod(target, mode | 0o700);
        entry.resume();
        break;
      }
      case 'file':
      case 'contiguous-file': {
        await removeNonDirectory(target);
        await pipeline(entry, createWriteStream(target, { mode: mode | 0o600 }));
        await chmod(target, mode | 0o600);
        break;
      }
      case 'symlink': {
        await removeNonDirectory(target);
        await symlink(header.linkname ?? '', target);
        entry.resume();
        break;
      }
      case 'link': {
        const linked = safeRelative(header.linkname ?? '');
        if (linked === undefined) throw new UnsafeLayerError(`hard link ${header.name} points at the root`);
        const linkParts = linked.split('/');
        const source = join(await resolveInside(root, linkParts.slice(0, -1)), linkParts[linkParts.length - 1]!);
        await removeNonDirectory(target);
        await link(source, target);
        entry.resume();
        break;
      }
      default:
        // Devices and FIFOs cannot be created without privileges and a Node service does not need them.
        entry.resume();
    }
  }
}

/**
 * What a whiteout `.wh.<victim>` deletes: the sibling `<victim>` and nothing else. The OCI layer
 * rules name a basename after the prefix, so an empty victim, `.` or `..` (`.wh.`, `.wh..`,
 * `.wh...`) would name the directory holding the marker or its parent — up to the folder holding
 * every unpacked image. Those are refused, and the result is checked to lie strictly inside root.
 */
export function whiteoutTarget(root: string, parent: string, name: string, victim: string): string {
  if (victim === '' || victim === '.' || victim === '..' || victim.includes('/')) {
    throw new UnsafeLayerError(`layer entry "${name}" is a whiteout of "${victim}", which is not a name inside its directory`);
  }
  const target = resolve(parent, victim);
  const base = resolve(root);
  if (!target.startsWith(base + sep)) throw new UnsafeLayerError(`layer entry "${name}" whites out a path outside the image root`);
  return target;
}

/** `./a/b/` → `a/b`; undefined for the root; throws for paths that climb out. */
export function safeRelative(name: string): string | undefined {
  const normalized = posix.normalize(`/${name}`).replace(/\/+$/, '');
  if (name.split('/').includes('..')) throw new UnsafeLayerError(`layer entry "${name}" escapes the image root`);
  if (normalized === '' || normalized === '/') return undefined;
  return normalized.slice(1);
}

/**
 * The real directory for `parts` under `root`, following symlinks as a chroot would: absolute
 * targets restart at root, `..` never rises above it. Missing components are taken as they are.
 */
export async function resolveInside(root: string, parts: string[]): Promise<string> {
  const resolved: string[] = [];
  const queue = [...parts];
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part);
    const info = await lstat(candidate).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      if (++hops > 40) throw new UnsafeLayerError(`too many symbolic links under ${parts.join('/')}`);
      const target = await readlink(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      queue.unshift(...target.split('/'));
      continue;
    }
    resolved.push(part);
  }
  return join(root, ...resolved);
}

async function removeNonDirectory(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return;
  if (info.isDirectory()) await rm(path, { recursive: true, force: true });
  else await unlink(path);
}

async function emptyExcept(dir: string, keep: Set<string>): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const path = join(dir, name);
    if (!keep.has(path)) await rm(path, { recursive: true, force: true });
  }
}

async function isGzip(file: string): Promise<boolean> {
  const stream = createReadStream(file, { start: 0, end: 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const head = Buffer.concat(chunks);
  return head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
}
