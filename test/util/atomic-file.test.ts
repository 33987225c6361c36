import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { removeLeftoverTemps, writeFileAtomic } from '../../src/util/atomic-file.js';

describe('writeFileAtomic', () => {
  const dirs: string[] = [];
  const fresh = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'lanchat-atomic-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a new file, then replaces it whole, for the user alone, leaving no temporary file', async () => {
    const dir = fresh();
    const file = join(dir, 'chain-head.json');
    await writeFileAtomic(file, 'first\n');
    expect(readFileSync(file, 'utf8')).toBe('first\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await writeFileAtomic(file, 'second\n');
    expect(readFileSync(file, 'utf8')).toBe('second\n');
    expect(readdirSync(dir)).toEqual(['chain-head.json']);
  });

  it('exclusive: refuses a name that is taken (EEXIST), leaving that file as it was', async () => {
    const dir = fresh();
    const file = join(dir, 'identity.pem');
    await writeFileAtomic(file, 'the first key', { exclusive: true });
    const second = writeFileAtomic(file, 'another key', { exclusive: true });
    await expect(second).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(file, 'utf8')).toBe('the first key');
    expect(readdirSync(dir)).toEqual(['identity.pem']);
  });

  it('a write that fails leaves the old file and no temporary file', async () => {
    const dir = fresh();
    // A folder in the way: the rename over it fails.
    const file = join(dir, 'nick-pins.json');
    mkdirSync(file);
    writeFileSync(join(file, 'inside'), 'x');
    await expect(writeFileAtomic(file, '{}')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['nick-pins.json']);
    expect(readFileSync(join(file, 'inside'), 'utf8')).toBe('x');
  });

  it('removes the temporary files a crash left, and nothing else', async () => {
    const dir = fresh();
    writeFileSync(join(dir, '.identity.pem.0123456789ab.tmp'), '');
    writeFileSync(join(dir, 'identity.pem'), 'key');
    writeFileSync(join(dir, 'notes.tmp'), 'mine');
    await removeLeftoverTemps(dir);
    expect(readdirSync(dir).sort()).toEqual(['identity.pem', 'notes.tmp']);
  });

  // The finding: a kill -9 during a first start once left an empty identity key. A write cut short is
  // made certain here: the writer runs under a file size limit (ulimit -f), so its write stops part way,
  // as on a full disk. The file holds its old content whole, or is absent: never a part of the new one.
  it('a write cut short part way leaves the old file whole, or none (never an empty or partial one)', async () => {
    const dir = fresh();
    const helper = pathToFileURL(join(import.meta.dirname, '../../dist/util/atomic-file.js')).href;
    const writeCutShort = async (file: string, exclusive: boolean): Promise<string> => {
      const script = `
        const { writeFileAtomic } = await import(${JSON.stringify(helper)});
        await writeFileAtomic(${JSON.stringify(file)}, 'n'.repeat(1 << 20), { exclusive: ${exclusive} });`;
      // 64 blocks of 512 bytes: the 1 MiB write stops at 32 KiB (EFBIG).
      const child = spawn('sh', ['-c', 'ulimit -f 64; exec "$0" --input-type=module -e "$1"', process.execPath, script], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).not.toBe(0);
      return stderr;
    };
    const key = join(dir, 'identity.pem');
    expect(await writeCutShort(key, true)).toContain('EFBIG');
    expect(existsSync(key)).toBe(false);
    const pins = join(dir, 'nick-pins.json');
    writeFileSync(pins, '{"ann":"old"}\n');
    expect(await writeCutShort(pins, false)).toContain('EFBIG');
    expect(readFileSync(pins, 'utf8')).toBe('{"ann":"old"}\n');
    expect(readdirSync(dir)).toEqual(['nick-pins.json']);
  });
});
