import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY_FILE, loadIdentity, loadOrCreateIdentity } from '../../src/identity/identity.js';
import { errorText } from '../../src/ui/words.js';
import { isLanchatError, type LanchatError } from '../../src/wire/errors.js';

describe('identity key file', () => {
  const dirs: string[] = [];
  const fresh = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'lanchat-identity-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** What loading the identity of `dir` throws. */
  const loadError = async (dir: string): Promise<unknown> => loadOrCreateIdentity(dir).then(() => undefined, (err: unknown) => err);

  it('is made on the first start, for the user alone, and is the same identity afterwards', async () => {
    const dir = fresh();
    expect(await loadIdentity(dir)).toBeUndefined();
    const made = await loadOrCreateIdentity(dir);
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual([KEY_FILE]);
    expect((await loadOrCreateIdentity(dir)).nodeIdHex).toBe(made.nodeIdHex);
    expect((await loadIdentity(dir))?.nodeIdHex).toBe(made.nodeIdHex);
  });

  it('two first starts racing in one folder end up with one identity, not two', async () => {
    const dir = fresh();
    const [a, b] = await Promise.all([loadOrCreateIdentity(dir), loadOrCreateIdentity(dir)]);
    expect(a.nodeIdHex).toBe(b.nodeIdHex);
    expect((await loadIdentity(dir))?.nodeIdHex).toBe(a.nodeIdHex);
  });

  it('an empty key file is IDENTITY_DAMAGED, naming the file and the way out, and is left as it is', async () => {
    const dir = fresh();
    writeFileSync(join(dir, KEY_FILE), '');
    const err = await loadError(dir);
    expect(isLanchatError(err, 'IDENTITY_DAMAGED')).toBe(true);
    expect((err as LanchatError).file).toEqual({ what: 'identity', path: join(dir, KEY_FILE), dataDir: dir, trouble: 'empty' });
    expect(errorText(err)).toContain(`${join(dir, KEY_FILE)} is empty`);
    expect(errorText(err)).toContain('lanchat repair');
    expect(errorText(err)).not.toMatch(/DECODER|error:[0-9A-F]{8}/);
    // Never replaced by a new key without a word.
    expect(readFileSync(join(dir, KEY_FILE), 'utf8')).toBe('');
    expect(isLanchatError(await loadIdentity(dir).catch((e: unknown) => e), 'IDENTITY_DAMAGED')).toBe(true);
  });

  it('a key file cut short or holding something else is IDENTITY_DAMAGED too', async () => {
    const dir = fresh();
    await loadOrCreateIdentity(dir);
    const pem = readFileSync(join(dir, KEY_FILE), 'utf8');
    writeFileSync(join(dir, KEY_FILE), pem.slice(0, 40));
    const cut = await loadError(dir);
    expect(isLanchatError(cut, 'IDENTITY_DAMAGED')).toBe(true);
    expect((cut as LanchatError).file?.trouble).toBe('garbled');
    expect(errorText(cut)).toContain('does not hold an Ed25519 private key');
    writeFileSync(join(dir, KEY_FILE), 'hello\n');
    expect(isLanchatError(await loadError(dir), 'IDENTITY_DAMAGED')).toBe(true);
  });
});
