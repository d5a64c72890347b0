// Internal stages on disk: each stage is a folder under <dataDir>/stages/. PUT and GET files travel
// through the StageTransport papi local gives the engine (over HTTP, src/local/stage-storage/; the
// driver copying files itself with LOCAL_FS when the engine runs on its own); LIST, REMOVE and COPY
// read the folders.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { StageTransport } from '../../platform.js';

export interface StagedFile {
  /** Path inside the stage, '/'-separated: `ratings/ratings.csv.gz`. */
  path: string;
  size: number;
  md5: string;
  lastModified: Date;
  absolute: string;
}

export function stageRoot(dataDir: string): string {
  return join(dataDir, 'stages');
}

/** The folder of a table's own stage (@%table), by the table's id: it goes when the table goes. */
export function tableStageFolder(tableId: number): string {
  return `table-${tableId}`;
}

export function stageFolder(dataDir: string, folder: string): string {
  return join(stageRoot(dataDir), folder);
}

/** The folder a PUT to `path` inside the stage writes into (created now: the driver expects it). */
export function putTarget(stageDir: string, path: string): string {
  const clean = normalisePath(path);
  const target = clean === '' ? stageDir : join(stageDir, ...clean.split('/').filter(Boolean));
  mkdirSync(target, { recursive: true, mode: 0o700 });
  return target;
}

/** The engine on its own (tests of the engine): the driver copies files into and out of the folders itself. */
export function localFileTransport(dataDir: string): StageTransport {
  return {
    stageInfo: ({ folder, path, write }) => ({
      locationType: 'LOCAL_FS',
      location: write ? putTarget(stageFolder(dataDir, folder), path) : stageFolder(dataDir, folder),
      path,
      region: null,
      creds: {},
      isClientSideEncrypted: false,
    }),
  };
}

/** Stage paths never climb out of the stage folder. */
export function normalisePath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new Error('stage path may not contain ..');
  return parts.join('/') + (path.endsWith('/') && parts.length > 0 ? '/' : '');
}

/**
 * Files under `prefix` (a folder `ratings/` or a file-name prefix, as Snowflake matches stage paths),
 * filtered by a PATTERN regular expression on the path when given, in name order.
 */
export function listStaged(stageDir: string, prefix: string, pattern?: string): StagedFile[] {
  if (!existsSync(stageDir)) return [];
  const wanted = normalisePath(prefix);
  const regex = pattern === undefined ? undefined : new RegExp(`^(?:${pattern})$`);
  const files: StagedFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const absolute = join(dir, entry.name);
      if (entry.isDirectory()) walk(absolute);
      else if (entry.isFile()) {
        const path = relative(stageDir, absolute).split(sep).join('/');
        if (!path.startsWith(wanted)) continue;
        if (regex && !regex.test(path)) continue;
        const stat = statSync(absolute);
        files.push({ path, size: stat.size, md5: md5Of(absolute), lastModified: stat.mtime, absolute });
      }
    }
  };
  walk(stageDir);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function md5Of(file: string): string {
  return createHash('md5').update(readFileSync(file)).digest('hex');
}

export function removeStaged(files: readonly StagedFile[]): void {
  for (const file of files) rmSync(file.absolute, { force: true });
}

export function removeStage(stageDir: string): void {
  rmSync(stageDir, { recursive: true, force: true });
}

/** LIST's last_modified: `Wed, 25 Nov 2026 13:00:00 GMT`. */
export function httpDate(date: Date): string {
  return date.toUTCString();
}
