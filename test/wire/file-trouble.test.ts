import { describe, expect, it } from 'vitest';
import { fileError, type FileTrouble, fileTrouble, isLanchatError } from '../../src/wire/errors.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: something`), { code });

// What each system error code means to whoever has to fix it: one trouble for the ways of saying it.
const ROWS: [string, FileTrouble][] = [
  ['ENOENT', 'missing'],
  ['EACCES', 'denied'],
  ['EPERM', 'denied'],
  ['EROFS', 'read-only'],
  ['EISDIR', 'is-a-folder'],
  ['ENOTDIR', 'not-a-folder'],
  ['ENOSPC', 'full'],
  ['EDQUOT', 'full'],
  ['EIO', 'failed'],
  ['ELOOP', 'failed'],
];

describe('a file system error as a trouble', () => {
  it.each(ROWS)('%s is %s', (code, trouble) => {
    expect(fileTrouble(errno(code))).toBe(trouble);
  });

  it('anything without a code is a failure, never a throw', () => {
    expect(fileTrouble(new Error('odd'))).toBe('failed');
    expect(fileTrouble(undefined)).toBe('failed');
    expect(fileTrouble('a string')).toBe('failed');
  });

  it('a file error carries its file as data, with its code and cause', () => {
    const cause = errno('EACCES');
    const file = { what: 'identity', path: '/d/identity.pem', dataDir: '/d', trouble: 'denied', doing: 'read' } as const;
    const err = fileError('DATA_DIR_ACCESS', file, cause);
    expect(isLanchatError(err, 'DATA_DIR_ACCESS')).toBe(true);
    expect(err.file).toEqual(file);
    expect(err.cause).toBe(cause);
  });
});
