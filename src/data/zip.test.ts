import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, zipOf } from './__tests__/support.js';
import { ArchiveError } from './errors.js';
import { ZipArchive } from './zip.js';

const hasZipTool = (() => {
  try {
    execFileSync('zip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const text = (zip: ZipArchive, name: string) => zip.read(zip.find(name)!).toString('latin1');
const u_item = '1|Toy Story (1995)|01-Jan-1995||http://x|0|0\n2|Caf\xe9 Society (1995)|01-Jan-1995||http://y|0|1\n';

describe('ZipArchive', () => {
  it('reads deflated and stored entries by name', () => {
    for (const store of [false, true]) {
      const zip = ZipArchive.open(zipOf({ 'ml-100k/': '', 'ml-100k/u.item': u_item, 'ml-100k/u.data': '1\t1\t5\t881250949\n' }, { store }), 'a.zip');
      expect(text(zip, 'u.item')).toBe(u_item);
      expect(text(zip, 'ml-100k/u.data')).toBe('1\t1\t5\t881250949\n');
      expect(zip.find('u.user')).toBeUndefined();
    }
  });

  it.skipIf(!hasZipTool)('reads an archive written by Info-ZIP (an independent writer)', async () => {
    const tmp = await tempDir();
    try {
      await writeFile(join(tmp.path, 'u.item'), Buffer.from(u_item.repeat(200), 'latin1'));
      await writeFile(join(tmp.path, 'u.data'), '1\t1\t5\t881250949\n');
      execFileSync('zip', ['-q', '-X', 'deflated.zip', 'u.item'], { cwd: tmp.path });
      execFileSync('zip', ['-q', '-X', '-0', 'stored.zip', 'u.data'], { cwd: tmp.path });
      expect(text(ZipArchive.open(await readFile(join(tmp.path, 'deflated.zip')), 'd.zip'), 'u.item')).toBe(u_item.repeat(200));
      expect(text(ZipArchive.open(await readFile(join(tmp.path, 'stored.zip')), 's.zip'), 'u.data')).toBe('1\t1\t5\t881250949\n');
    } finally {
      await tmp.remove();
    }
  });

  it('refuses a truncated archive', () => {
    const whole = zipOf({ 'ml-100k/u.item': u_item.repeat(50), 'ml-100k/u.data': '1\t1\t5\t1\n' });
    for (const cut of [whole.length - 1, whole.length - 30, Math.floor(whole.length / 2), 10, 0])
      expect(() => ZipArchive.open(whole.subarray(0, cut), 'cut.zip'), `cut at ${cut}`).toThrow(ArchiveError);
    expect(() => ZipArchive.open(whole.subarray(0, whole.length - 1), 'cut.zip')).toThrow(/truncated/);
  });

  it('refuses corrupt data: a flipped byte fails the CRC or the inflate', () => {
    const zip = zipOf({ 'u.data': '1\t1\t5\t881250949\n'.repeat(100) }, { store: true });
    zip[40] = zip[40]! ^ 0xff;
    const archive = ZipArchive.open(zip, 'bad.zip');
    expect(() => archive.read(archive.find('u.data')!)).toThrow(/CRC-32/);
  });

  it('refuses an archive with an entry escaping its folder', () => {
    for (const name of ['../evil', 'ml-100k/../../evil', '/etc/passwd', 'C:/evil', 'a\\..\\evil'])
      expect(() => ZipArchive.open(zipOf({ 'ok.txt': 'x', [name]: 'x' }), 'evil.zip'), name).toThrow(/outside the archive/);
  });
});
