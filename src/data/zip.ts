// A small zip reader, enough for GroupLens's ml-100k.zip and nothing more: the central directory,
// stored and deflated entries (node:zlib), CRC-32 checked. Entries are read into memory by name,
// never written to disk, and an archive naming a path that would escape its folder is refused
// as a whole. No zip64, no encryption, no multi-disk archives.
import { crc32, inflateRawSync } from 'node:zlib';
import { ArchiveError } from './errors.js';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Refuse entries claiming more than this: ml-100k's largest file is 2 MB. */
const MAX_ENTRY_SIZE = 1 << 30;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export class ZipArchive {
  private constructor(
    private readonly data: Buffer,
    private readonly shown: string,
    readonly entries: ZipEntry[],
  ) {}

  /** Parses the central directory of `data`; `shown` names the archive in errors. */
  static open(data: Buffer, shown: string): ZipArchive {
    const bad = (problem: string): never => {
      throw new ArchiveError(shown, problem);
    };
    const eocd = findEndOfCentralDirectory(data);
    if (eocd < 0) bad('truncated or not a zip archive (no end-of-central-directory record)');
    const total = data.readUInt16LE(eocd + 10);
    const size = data.readUInt32LE(eocd + 12);
    const offset = data.readUInt32LE(eocd + 16);
    if (data.readUInt16LE(eocd + 4) !== 0 || data.readUInt16LE(eocd + 6) !== 0) bad('multi-disk archives are not supported');
    if (total === 0xffff || size === 0xffffffff || offset === 0xffffffff) bad('zip64 archives are not supported');
    if (offset + size > eocd) bad('truncated (the central directory lies beyond the end of the file)');

    const entries: ZipEntry[] = [];
    let at = offset;
    for (let i = 0; i < total; i++) {
      if (at + 46 > eocd || data.readUInt32LE(at) !== CENTRAL_SIGNATURE) bad(`corrupt central directory (entry ${i + 1} of ${total})`);
      const nameLength = data.readUInt16LE(at + 28);
      const extraLength = data.readUInt16LE(at + 30);
      const commentLength = data.readUInt16LE(at + 32);
      const flags = data.readUInt16LE(at + 8);
      // Bit 11: the name is UTF-8; otherwise CP437, which agrees with Latin-1 on the ASCII names zips hold.
      const name = data.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
      if (escapes(name)) bad(`entry ${JSON.stringify(name)} points outside the archive's folder; refusing the archive`);
      entries.push({
        name,
        flags,
        method: data.readUInt16LE(at + 10),
        crc32: data.readUInt32LE(at + 16),
        compressedSize: data.readUInt32LE(at + 20),
        size: data.readUInt32LE(at + 24),
        localOffset: data.readUInt32LE(at + 42),
      });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return new ZipArchive(data, shown, entries);
  }

  /** The entry whose name is `name` (or ends with `/name`), if any. */
  find(name: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === name) ?? this.entries.find((e) => e.name.endsWith(`/${name}`));
  }

  read(entry: ZipEntry): Buffer {
    const bad = (problem: string): never => {
      throw new ArchiveError(this.shown, `${entry.name}: ${problem}`);
    };
    if (entry.flags & 0x1) bad('encrypted entries are not supported');
    if (entry.size > MAX_ENTRY_SIZE) bad(`${entry.size} bytes is more than papi reads from an archive`);
    const at = entry.localOffset;
    if (at + 30 > this.data.length) bad('truncated (the entry lies beyond the end of the file)');
    if (this.data.readUInt32LE(at) !== LOCAL_SIGNATURE) bad('corrupt (no local header where the directory says)');
    const start = at + 30 + this.data.readUInt16LE(at + 26) + this.data.readUInt16LE(at + 28);
    const end = start + entry.compressedSize;
    if (end > this.data.length) bad('truncated (the entry lies beyond the end of the file)');
    const raw = this.data.subarray(start, end);

    let content: Buffer;
    if (entry.method === 0) content = Buffer.from(raw);
    else if (entry.method === 8) {
      try {
        // maxOutputLength: a deflate stream cannot inflate past the size the directory declared.
        content = inflateRawSync(raw, { maxOutputLength: Math.max(entry.size, 1) });
      } catch (error) {
        return bad(`corrupt deflate data (${(error as Error).message})`);
      }
    } else return bad(`compression method ${entry.method} is not supported (only stored and deflated)`);

    if (content.length !== entry.size) bad(`corrupt (${content.length} bytes where the directory says ${entry.size})`);
    if (crc32(content) >>> 0 !== entry.crc32) bad('corrupt (CRC-32 mismatch)');
    return content;
  }
}

function findEndOfCentralDirectory(data: Buffer): number {
  const lowest = Math.max(0, data.length - EOCD_SIZE - MAX_COMMENT);
  for (let at = data.length - EOCD_SIZE; at >= lowest; at--)
    if (data.readUInt32LE(at) === EOCD_SIGNATURE && at + EOCD_SIZE + data.readUInt16LE(at + 20) === data.length) return at;
  return -1;
}

/** Absolute paths, drive letters, backslashes and `..` segments could write outside a target folder. */
function escapes(name: string): boolean {
  return name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.split('/').includes('..') || name.includes('\0');
}
