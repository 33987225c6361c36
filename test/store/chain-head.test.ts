import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHAIN_HEAD_FILE, loadChainHead, parseChainHead, saveChainHead } from '../../src/store/chain-head.js';
import { isLanchatError, type LanchatError } from '../../src/wire/errors.js';

const HASH = 'ab'.repeat(32);

const ROWS: [string, string, ReturnType<typeof parseChainHead>][] = [
  ['as saveChainHead writes it', `{"lastSeq":7,"lastHash":"${HASH}"}\n`, { lastSeq: 7, lastHash: Buffer.from(HASH, 'hex') }],
  ['no line yet', '{"lastSeq":0}', { lastSeq: 0 }],
  ['empty', '', undefined],
  ['blank', '  \n', undefined],
  ['cut short', `{"lastSeq":7,"lastHa`, undefined],
  ['not JSON', 'hello', undefined],
  ['not an object', '[7]', undefined],
  ['null', 'null', undefined],
  ['a seq that is no count', '{"lastSeq":-1}', undefined],
  ['a seq that is text', `{"lastSeq":"7","lastHash":"${HASH}"}`, undefined],
  ['a seq past the safe integers', `{"lastSeq":9007199254740993,"lastHash":"${HASH}"}`, undefined],
  ['a seq without its hash', '{"lastSeq":7}', undefined],
  ['a hash that is not one', '{"lastSeq":7,"lastHash":"xyz"}', undefined],
];

describe('a chain head file', () => {
  it.each(ROWS)('%s', (_, text, head) => {
    expect(parseChainHead(text)).toEqual(head);
  });

  const root = mkdtempSync(join(tmpdir(), 'lanchat-head-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is none when absent, read back when saved, and refused, named, when damaged', async () => {
    const dir = join(root, 'one');
    mkdirSync(dir);
    expect(await loadChainHead(dir)).toEqual({ lastSeq: 0 });
    await saveChainHead(dir, { lastSeq: 5, lastHash: Buffer.from(HASH, 'hex') });
    expect(await loadChainHead(dir)).toEqual({ lastSeq: 5, lastHash: Buffer.from(HASH, 'hex') });
    writeFileSync(join(dir, CHAIN_HEAD_FILE), '');
    const err = (await loadChainHead(dir).catch((e: unknown) => e)) as LanchatError;
    expect(isLanchatError(err, 'CHAIN_HEAD_DAMAGED')).toBe(true);
    expect(err.file).toEqual({ what: 'chain-head', path: join(dir, CHAIN_HEAD_FILE), dataDir: dir, trouble: 'empty' });
  });
});
