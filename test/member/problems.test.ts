import { describe, expect, it } from 'vitest';
import { MAX_NICK_LENGTH } from '../../src/chat/names.js';
import type { Problem } from '../../src/chat/views.js';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { Member } from '../../src/member/member.js';
import { problemText } from '../../src/ui/words.js';
import { tempReplica } from '../helpers/replica.js';

/** The sentences the member said before its problems became data, byte for byte: the faces word the data so (ui/words.ts). */
const SENTENCES: [Problem, string][] = [
  [{ code: 'NOT_IN_ROOM', room: null, asked: 'say' }, 'you are in no room; /join #room first'],
  [{ code: 'NOT_IN_ROOM', room: null, asked: 'part' }, 'you are not in any room'],
  [{ code: 'NOT_IN_ROOM', room: '#dev', asked: 'part' }, 'you are not in #dev'],
  [{ code: 'NO_SUCH_NICK', nick: 'bob', reason: 'offline' }, 'no one called bob is online'],
  [{ code: 'NO_SUCH_NICK', nick: 'me', reason: 'self' }, 'that is you'],
  [{ code: 'NO_SUCH_NICK', nick: 'Bob', reason: 'unsealable' }, 'Bob has no proven seal key; a private message to them cannot be sealed'],
  [{ code: 'ROOM_INVALID', room: 'a b' }, '"a b" is not a room name: # followed by up to 49 letters, digits, _ - or .'],
  [{ code: 'NICK_INVALID', nick: '', rule: 'empty' }, 'a nick cannot be empty'],
  [{ code: 'NICK_INVALID', nick: 'x'.repeat(MAX_NICK_LENGTH + 1), rule: 'too-long' }, 'a nick has at most 32 characters'],
  [{ code: 'NICK_INVALID', nick: 'a b', rule: 'characters' }, 'a nick is letters, digits and _-[]{}^`|. only (no spaces, no # or @)'],
  [{ code: 'TEXT_INVALID', maxBytes: 4096 }, 'a message is 1 to 4096 bytes of text'],
  [{ code: 'CONNECT_FAILED', undelivered: 2 }, '2 line(s) not delivered yet: no relay reachable. They are kept and go out when lanchat next meets a relay.'],
  [{ code: 'STORE_FAILED', what: 'own', count: 3, cause: 'disk full' }, '3 line(s) could not be stored and were not sent: disk full'],
  [{ code: 'STORE_FAILED', what: 'received', count: 4, cause: 'disk full' }, '4 message(s) could not be stored: disk full'],
  [{ code: 'BAD_SIGNATURE', what: 'sync', reason: 'bad signature' }, 'refused a sync batch from the relay: bad signature; nothing of it was stored'],
  [{ code: 'BAD_SIGNATURE', what: 'message', origin: 'ab'.repeat(32), seq: 7, reason: 'bad signature' }, 'refused a message from node abababababababab (seq 7): bad signature'],
  [{ code: 'BAD_SIGNATURE', what: 'message', reason: 'undecodable message: x' }, 'refused a message from a member (seq ?): undecodable message: x'],
  [{ code: 'BAD_IDENTITY', host: '10.0.0.1', port: 4000 }, 'the relay at 10.0.0.1:4000 does not prove its node id'],
  [
    { code: 'WRONG_SECRET', host: '10.0.0.1', port: 4000, network: 'lan', cause: 'mismatch', detail: 'the node at 10.0.0.1:4000 has another secret for this network' },
    'wrong secret for network "lan": the node at 10.0.0.1:4000 has another secret for this network',
  ],
  [
    { code: 'WRONG_SECRET', host: '10.0.0.1', port: 4000, network: 'lan', cause: 'maybe-needed' },
    'the node at 10.0.0.1:4000 hung up without answering: it may need a room secret (LANCHAT_SECRET or --secret-file)',
  ],
  [{ code: 'BAD_FRAME', detail: 'not one chat message frame' }, 'not one chat message frame'],
  [{ code: 'NICK_IN_USE', remote: { message: 'the nick bob is taken', suggestion: 'bob2' } }, 'the nick bob is taken'],
];

describe('the member’s problems', () => {
  it('are worded by the faces as the member said them before, byte for byte', () => {
    for (const [problem, sentence] of SENTENCES) expect(problemText(problem), JSON.stringify(problem)).toBe(sentence);
  });

  it('are what a member emits, data only, for what its user asked and it refused', async () => {
    const { replica, close } = await tempReplica();
    // Never started: these are refused before anything would go to a relay.
    const member = new Member({
      identity: ephemeralIdentity(),
      network: 'test',
      nick: 'me',
      rooms: [],
      listenPort: 0,
      addresses: [],
      rank: { forced: false, weight: 0, startedAt: 1 },
      relay: { host: '10.0.0.1', port: 1 },
      replica,
    });
    const problems: Problem[] = [];
    member.on('problem', (p) => problems.push(p));
    expect([member.say('hi'), member.part(), member.part('#dev'), member.whisper('bob', 'hi'), member.join('a b'), member.setNick('a b')]).toEqual([false, false, false, false, false, false]);
    expect(member.join('#dev')).toBe(true);
    expect(member.say('')).toBe(false);
    expect(problems).toEqual([
      { code: 'NOT_IN_ROOM', room: null, asked: 'say' },
      { code: 'NOT_IN_ROOM', room: null, asked: 'part' },
      { code: 'NOT_IN_ROOM', room: '#dev', asked: 'part' },
      { code: 'NO_SUCH_NICK', nick: 'bob', reason: 'offline' },
      { code: 'ROOM_INVALID', room: 'a b' },
      { code: 'NICK_INVALID', nick: 'a b', rule: 'characters' },
      { code: 'TEXT_INVALID', maxBytes: 16_384 },
    ]);
    await member.stop('quit', 0);
    await close();
  });
});
