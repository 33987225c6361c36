import { describe, expect, it } from 'vitest';
import { whisperTarget } from '../../src/member/whisper-target.js';

const SELF = 'aa'.repeat(32);
const BOB = 'bb'.repeat(32);
const KEY = Buffer.alloc(32, 7);

describe('whisperTarget: where a private line goes', () => {
  const cases: { name: string; online?: { nodeId: string; nick: string; sealKey?: Buffer }; known?: { nodeId: string; nick: string; sealKey: Buffer } | 'ambiguous'; want: unknown }[] = [
    { name: 'someone online, with their seal key', online: { nodeId: BOB, nick: 'Bob', sealKey: KEY }, want: { to: { nick: 'Bob', sealKey: KEY }, offline: false } },
    { name: 'someone online without a seal key', online: { nodeId: BOB, nick: 'Bob' }, want: { code: 'NO_SUCH_NICK', nick: 'Bob', reason: 'unsealable' } },
    { name: 'this user, online', online: { nodeId: SELF, nick: 'Me', sealKey: KEY }, want: { code: 'NO_SUCH_NICK', nick: 'Me', reason: 'self' } },
    { name: 'someone offline, last seen with a key', known: { nodeId: BOB, nick: 'Bob', sealKey: KEY }, want: { to: { nick: 'Bob', sealKey: KEY }, offline: true } },
    { name: 'this user, last seen', known: { nodeId: SELF, nick: 'me', sealKey: KEY }, want: { code: 'NO_SUCH_NICK', nick: 'bob', reason: 'self' } },
    { name: 'a nick seen with more than one node, no one online', known: 'ambiguous', want: { code: 'NO_SUCH_NICK', nick: 'bob', reason: 'ambiguous' } },
    { name: 'someone never seen', want: { code: 'NO_SUCH_NICK', nick: 'bob', reason: 'offline' } },
  ];
  for (const { name, online, known, want } of cases) {
    it(name, () => {
      const target = whisperTarget('bob', online, () => known, SELF);
      expect(target).toMatchObject(want as object);
      if ('to' in target) expect(target.to.nodeId.toString('hex')).toBe(online?.nodeId ?? (known === 'ambiguous' ? undefined : known?.nodeId));
    });
  }

  it('asks for the last-seen key only when nobody online has the nick', () => {
    let asked = 0;
    whisperTarget('bob', { nodeId: BOB, nick: 'bob', sealKey: KEY }, () => (asked++, undefined), SELF);
    expect(asked).toBe(0);
  });
});
