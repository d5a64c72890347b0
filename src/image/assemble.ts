// Builds an image without a container engine (the way ko, jib and `crane append` do): the service
// bundle becomes one deterministic layer appended to a base image, and papi writes the image config
// and manifest itself. Same input → same bytes → same digests, so a re-deploy uploads nothing new.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import {
  formatMediaTypes,
  jsonBlob,
  sha256Digest,
  type Blob,
  type Descriptor,
  type HistoryEntry,
  type ImageConfig,
  type ManifestFormat,
} from './oci.js';

/** Where the bundle lands inside the image, and how it starts without a base-specific entrypoint. */
export const APP_DIR = '/app';
export const DEFAULT_ENTRYPOINT = ['node', `${APP_DIR}/server.mjs`];

/** Timestamps inside the layer and config: fixed, so rebuilding the same bundle gives the same digests. */
const FIXED_TIME = new Date(0);
const FIXED_CREATED = FIXED_TIME.toISOString();

/** A base image as pulled (see RegistryClient.pullImage): its config and layer descriptors. */
export interface BaseImage {
  format: ManifestFormat;
  config: ImageConfig;
  layers: Descriptor[];
  /** Where its blobs can be found when pushing (for a cross-repository mount or a copy). */
  source?: { registry: string; repository: string; digest: string };
}

export interface LayerFile {
  /** Path relative to the app directory, with `/` separators. */
  path: string;
  content: Buffer | string;
  /** Unix permission bits; 0o644 unless given. */
  mode?: number;
}

export interface AssembleOptions {
  /** A directory whose files (recursively) go to /app; or give `files`. */
  bundleDir?: string;
  files?: LayerFile[];
  base?: BaseImage;
  entrypoint?: string[];
  cmd?: string[];
  /** Merged over the base's Env (same name → this value). */
  env?: Record<string, string>;
  workdir?: string;
  exposedPorts?: number[];
  labels?: Record<string, string>;
}

export interface AssembledImage {
  format: ManifestFormat;
  manifest: Blob;
  config: Blob;
  /** The new layer (gzipped tar) with its uncompressed digest. */
  layer: Blob & { diffId: string };
  /** All layers in order: the base's, then the new one. */
  layers: Descriptor[];
  base?: BaseImage;
}

export async function assembleImage(options: AssembleOptions): Promise<AssembledImage> {
  const files = options.files ?? (options.bundleDir !== undefined ? await readBundleDir(options.bundleDir) : undefined);
  if (files === undefined || files.length === 0) throw new Error('assembleImage needs a bundleDir or files');
  const format = options.base?.format ?? 'oci';
  const types = formatMediaTypes[format];

  const tarBytes = await layerTar(files);
  const gzipped = deterministicGzip(tarBytes);
  const layer = { digest: sha256Digest(gzipped), size: gzipped.length, mediaType: types.layer, bytes: gzipped, diffId: sha256Digest(tarBytes) };

  const baseConfig = options.base?.config;
  const entrypoint = options.entrypoint ?? DEFAULT_ENTRYPOINT;
  const history: HistoryEntry[] = [
    ...(baseConfig?.history ?? []),
    { created: FIXED_CREATED, created_by: `papi: COPY bundle ${APP_DIR}/`, comment: 'papi' },
  ];
  const exposed = options.exposedPorts ?? [];
  const imageConfig: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    created: FIXED_CREATED,
    config: {
      ...(baseConfig?.config ?? {}),
      Env: mergeEnv(baseConfig?.config.Env ?? defaultEnv(options.base), options.env ?? {}),
      Entrypoint: entrypoint,
      ...(options.cmd !== undefined ? { Cmd: options.cmd } : { Cmd: undefined }),
      WorkingDir: options.workdir ?? APP_DIR,
      ...(exposed.length > 0 || baseConfig?.config.ExposedPorts
        ? { ExposedPorts: { ...(baseConfig?.config.ExposedPorts ?? {}), ...Object.fromEntries(exposed.map((port) => [`${port}/tcp`, {}])) } }
        : {}),
      ...(options.labels ? { Labels: { ...(baseConfig?.config.Labels ?? {}), ...options.labels } } : {}),
    },
    rootfs: { type: 'layers', diff_ids: [...(baseConfig?.rootfs.diff_ids ?? []), layer.diffId] },
    history,
  };
  // A base Cmd would be appended to our entrypoint as arguments: drop it unless one was given.
  if (imageConfig.config.Cmd === undefined) delete imageConfig.config.Cmd;
  const config = jsonBlob(imageConfig, types.config);

  const baseLayers = (options.base?.layers ?? []).map((descriptor) => ({ ...descriptor, mediaType: layerTypeIn(format, descriptor.mediaType) }));
  const layers: Descriptor[] = [...baseLayers, { mediaType: layer.mediaType, digest: layer.digest, size: layer.size }];
  const manifest = jsonBlob(
    {
      schemaVersion: 2,
      mediaType: types.manifest,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers,
    },
    types.manifest,
  );
  return { format, manifest, config, layer, layers, ...(options.base ? { base: options.base } : {}) };
}

/** Without a base, the runner supplies node: a PATH is all the image needs. */
function defaultEnv(base: BaseImage | undefined): string[] {
  return base ? [] : ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
}

export function mergeEnv(base: string[], extra: Record<string, string>): string[] {
  const merged = new Map<string, string>();
  for (const entry of base) {
    const eq = entry.indexOf('=');
    merged.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
  }
  for (const [name, value] of Object.entries(extra)) merged.set(name, value);
  return [...merged].map(([name, value]) => `${name}=${value}`);
}

/** Base layers keep their compression; only the media-type family follows the manifest's format. */
function layerTypeIn(format: ManifestFormat, mediaType: string): string {
  const gzip = /gzip/.test(mediaType);
  if (!gzip) return mediaType;
  return formatMediaTypes[format].layer;
}

async function readBundleDir(dir: string): Promise<LayerFile[]> {
  const files: LayerFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(join(dir, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const info = await stat(join(dir, path));
        files.push({ path, content: await readFile(join(dir, path)), mode: info.mode & 0o111 ? 0o755 : 0o644 });
      }
    }
  };
  await walk('');
  return files;
}

/** A tar of /app with sorted entries, parent directories first, root ownership and fixed times. */
async function layerTar(files: LayerFile[]): Promise<Buffer> {
  const entries = new Map<string, LayerFile | 'dir'>();
  const appRoot = APP_DIR.slice(1);
  entries.set(`${appRoot}/`, 'dir');
  for (const file of files) {
    const normalized = posix.normalize(file.path).replace(/^\/+/, '');
    if (normalized.startsWith('..') || normalized === '.' || normalized === '') throw new Error(`bundle path "${file.path}" is not inside the bundle`);
    const parts = normalized.split('/');
    for (let i = 1; i < parts.length; i++) entries.set(`${appRoot}/${parts.slice(0, i).join('/')}/`, 'dir');
    entries.set(`${appRoot}/${normalized}`, file);
  }
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const owner = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: FIXED_TIME };
  for (const name of [...entries.keys()].sort()) {
    const entry = entries.get(name)!;
    if (entry === 'dir') {
      await addEntry(pack, { name, type: 'directory', mode: 0o755, ...owner });
    } else {
      const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
      await addEntry(pack, { name, type: 'file', mode: entry.mode ?? 0o644, size: content.length, ...owner }, content);
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function addEntry(pack: tar.Pack, header: Partial<tar.Header> & { name: string }, content?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const callback = (error?: Error | null): void => (error ? reject(error) : resolve());
    if (content === undefined) pack.entry(header, callback);
    else pack.entry(header, content, callback);
  });
}

/**
 * gzip with the header's mtime zero and the OS byte fixed (zlib writes a platform-specific one). Level 4:
 * on the 2.5 MB service bundle about 5× faster than level 9 for a layer 7 % larger (512 vs 476 KB).
 */
function deterministicGzip(bytes: Buffer): Buffer {
  const gz = gzipSync(bytes, { level: 4 });
  gz[9] = 0xff;
  return gz;
}
