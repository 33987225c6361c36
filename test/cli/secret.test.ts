import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSecret } from '../../src/cli/secret.js';
import { errorText } from '../../src/ui/words.js';
import { isLanchatError, type LanchatError } from '../../src/wire/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'lanchat-secret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const usageRefusal = (fn: () => unknown): LanchatError => {
  try {
    fn();
  } catch (err) {
    if (isLanchatError(err, 'USAGE')) return err;
    throw err;
  }
  throw new Error('no error');
};
const usageError = (fn: () => unknown): string => errorText(usageRefusal(fn));

describe('readSecret', () => {
  it('takes the first line of --secret-file, before LANCHAT_SECRET, and clears the variable', () => {
    const file = join(dir, 'a');
    writeFileSync(file, 'correct horse battery\nsecond line\n');
    const env: NodeJS.ProcessEnv = { LANCHAT_SECRET: 'from the environment' };
    expect(readSecret(file, env)).toBe('correct horse battery');
    expect(env.LANCHAT_SECRET).toBeUndefined();
  });

  it('takes LANCHAT_SECRET without a file, and nothing means an open network', () => {
    const env: NodeJS.ProcessEnv = { LANCHAT_SECRET: 'from the environment' };
    expect(readSecret(undefined, env)).toBe('from the environment');
    expect(env).toEqual({});
    expect(readSecret(undefined, {})).toBeUndefined();
    expect(readSecret(undefined, { LANCHAT_SECRET: '' })).toBeUndefined();
  });

  it('refuses an unreadable or empty file and a too short passphrase, never quoting the passphrase', () => {
    const missing = join(dir, 'missing');
    // The file as data, worded by the faces: never the system's code.
    expect(usageRefusal(() => readSecret(missing, {})).file).toEqual({ what: 'secret-file', path: missing, trouble: 'missing', doing: 'read' });
    expect(usageError(() => readSecret(missing, {}))).toMatch(/^cannot read the secret file .*missing: it does not exist;/);
    expect(usageError(() => readSecret(dir, {}))).toMatch(/it is a folder, not a file/);
    expect(usageError(() => readSecret(missing, {}))).not.toMatch(/ENOENT|EISDIR/);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\nsecond\n');
    expect(usageRefusal(() => readSecret(empty, {})).file?.trouble).toBe('empty');
    expect(usageError(() => readSecret(empty, {}))).toMatch(/nothing on its first line/);
    const message = usageError(() => readSecret(undefined, { LANCHAT_SECRET: 'abc123' }));
    expect(message).toMatch(/too short/);
    expect(message).not.toContain('abc123');
  });
});
