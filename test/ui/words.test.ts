import { describe, expect, it } from 'vitest';
import type { Notice, NoticeCode, Problem } from '../../src/chat/views.js';
import type { CommandName } from '../../src/session/dispatch.js';
import { errorText, fileProblemText, noticeSentence, noticeText, problemSentence, problemText, retryWords } from '../../src/ui/words.js';
import { type DataFileProblem, type FileProblem, type FileTrouble, fileError, LanchatError, portError } from '../../src/wire/errors.js';

const NODE = 'b7e1c0de99aa77331234567890abcdef00112233445566778899aabbccddeeff';
const PINNED = '0badc0ffee1234567890abcdef00112233445566778899aabbccddeeff001122';

// Each expected sentence is the one lanchat printed before notices and problems became data: the words of
// node.ts (emit('notice', ...)), member/member.ts (#problem, #refused) and ui/controller.ts, filled in.
const NOTICES: [Notice, string][] = [
  [{ code: 'OPEN' }, 'the network is open: anyone on this LAN can read it (for a room secret: LANCHAT_SECRET or --secret-file)'],
  [{ code: 'SECRET' }, 'the network has a room secret: only those who know it can read or write'],
  [{ code: 'LOOKING' }, 'looking for peers…'],
  [{ code: 'OFFLINE_DELIVERY', nick: 'bob' }, 'bob is offline; they will get it when they are back'],
  [{ code: 'RELAY_LOST', relay: 'bob', reason: 'the relay closed the connection' }, 'lost the relay bob (the relay closed the connection); electing another…'],
  [{ code: 'RELAY_CHANGED', from: 'bob', to: 'alice', self: false, planned: false }, 'relay bob lost; alice took over'],
  [{ code: 'RELAY_CHANGED', from: 'bob', to: 'alice', self: true, planned: false }, 'relay bob lost; you took over'],
  [{ code: 'RELAY_CHANGED', from: 'bob', to: 'alice', self: false, planned: true }, 'relay handed over to alice'],
  [{ code: 'RELAY_CHANGED', from: 'bob', to: 'alice', self: true, planned: true }, 'relay handed over to you'],
  [{ code: 'HANDING_OVER', host: '10.0.0.7', port: 40123 }, 'another relay outranks this one; handing over to 10.0.0.7:40123'],
  [{ code: 'TWO_FORCED', keeper: 'other', host: '10.0.0.7' }, 'another node was started with --host; the node at 10.0.0.7 keeps the relay (the lower node id)'],
  [{ code: 'TWO_FORCED', keeper: 'self', host: '10.0.0.7' }, 'another node was started with --host; this node keeps the relay (the lower node id)'],
  [{ code: 'MDNS_TROUBLE', detail: 'send EHOSTUNREACH 224.0.0.251:5353' }, 'mDNS: send EHOSTUNREACH 224.0.0.251:5353'],
  [{ code: 'OTHER_SECRET', nodes: 1, secret: true }, '1 lanchat node here uses another room secret (or none): another group, which cannot see this one'],
  [{ code: 'OTHER_SECRET', nodes: 2, secret: true }, '2 lanchat nodes here use another room secret (or none): another group, which cannot see this one'],
  [
    { code: 'OTHER_SECRET', nodes: 3, secret: false },
    '3 lanchat nodes here use a room secret: to chat with them, start with their secret (LANCHAT_SECRET or --secret-file)',
  ],
  [
    { code: 'NICK_KEY_CHANGED', nick: 'bob', nodeId: NODE, pinned: PINNED, proven: true },
    'warning: bob now comes with another key (node b7e1c0de, before: 0badc0ff); it may be someone else using that nick',
  ],
  [
    { code: 'NICK_KEY_CHANGED', nick: 'bob', nodeId: NODE, pinned: PINNED, proven: false },
    'warning: bob now comes with another key (node b7e1c0de, before: 0badc0ff); it may be someone else using that nick (on an open network node ids are not proven either)',
  ],
  [{ code: 'CAUGHT_UP', count: 1, shown: 1, away: true, first: false }, '1 message while you were away'],
  [
    { code: 'HISTORY_FULL', limitBytes: 1024 * 1024 * 1024 },
    'the history here has reached its limit of 1024 MiB: lines of others are shown but no longer kept (your own lines are always kept)',
  ],
  [
    { code: 'ORIGIN_FULL', origin: 'b7e1c0de99aa7733', nick: 'eve', limitBytes: 64 * 1024 * 1024 },
    'eve (node b7e1c0de) has filled its share of the history here (64 MiB): its lines are shown but no longer kept',
  ],
  [
    { code: 'ORIGIN_FULL', origin: 'b7e1c0de99aa7733', limitBytes: 1536 * 1024 },
    'node b7e1c0de has filled its share of the history here (1.5 MiB): its lines are shown but no longer kept',
  ],
  [{ code: 'CAUGHT_UP', count: 3, shown: 3, away: true, first: false }, '3 messages while you were away'],
  [{ code: 'CAUGHT_UP', count: 60, shown: 50, away: true, first: false }, '60 messages while you were away (the last 50 below; /history for more)'],
  [{ code: 'CAUGHT_UP', count: 1200, shown: 1000, away: false, first: false }, '1200 messages arrived at once (the last 1000 below; /history for more)'],
  [{ code: 'CAUGHT_UP', count: 1, shown: 1, away: true, first: true }, '1 earlier message of this network'],
  [{ code: 'CAUGHT_UP', count: 60, shown: 50, away: true, first: true }, '60 earlier messages of this network (the last 50 below; /history for more)'],
  // conversation (issue 17)
  [{ code: 'NO_TOPIC', room: '#dev' }, '#dev has no topic; /topic #dev TEXT sets one'],
  [{ code: 'IGNORED', nick: 'bob', nodeId: 'b0b0b0b0ffff' }, 'ignoring bob (node b0b0b0b0), whatever nick they take; /unignore bob to stop'],
  [{ code: 'UNIGNORED', nick: 'bob', nodeId: 'b0b0b0b0ffff' }, 'no longer ignoring bob (node b0b0b0b0)'],
  [{ code: 'AWAY', reason: 'idle', auto: true }, 'you are away after a while without input; your next input brings you back'],
  [{ code: 'AWAY', reason: 'lunch', auto: false }, 'you are away: lunch'],
  [{ code: 'BACK' }, 'you are back'],
];

const PROBLEMS: [Problem, CommandName | undefined, string][] = [
  [{ code: 'NOT_IN_ROOM', room: null }, 'say', 'you are in no room; /join #room first'],
  [{ code: 'NOT_IN_ROOM', room: null }, undefined, 'you are in no room; /join #room first'],
  [{ code: 'NOT_IN_ROOM', room: null }, 'who', 'you are in no room; /who #room'],
  [{ code: 'NOT_IN_ROOM', room: null }, 'part', 'you are not in any room'],
  [{ code: 'NOT_IN_ROOM', room: '#dev' }, 'part', 'you are not in #dev'],
  [{ code: 'NOT_IN_ROOM', room: 'dev' }, 'part', 'you are not in dev'],
  [{ code: 'NO_SUCH_NICK', nick: 'nobody', reason: 'offline' }, 'msg', 'no one called nobody is online'],
  [{ code: 'NO_SUCH_NICK', nick: 'ann', reason: 'self' }, 'msg', 'that is you'],
  [{ code: 'NO_SUCH_NICK', nick: 'Bob', reason: 'unsealable' }, 'msg', 'Bob has no proven seal key; a private message to them cannot be sealed'],
  [{ code: 'ROOM_INVALID', room: 'bad!' }, 'join', '"bad!" is not a room name: # followed by up to 49 letters, digits, _ - or .'],
  [{ code: 'ROOM_INVALID', room: '' }, 'history', '"" is not a room name: # followed by up to 49 letters, digits, _ - or .'],
  [{ code: 'NICK_INVALID', nick: '', rule: 'empty' }, 'nick', 'a nick cannot be empty'],
  [{ code: 'NICK_INVALID', nick: 'x'.repeat(40), rule: 'too-long' }, 'nick', 'a nick has at most 32 characters'],
  [{ code: 'NICK_INVALID', nick: 'bad#nick', rule: 'characters' }, 'nick', 'a nick is letters, digits and _-[]{}^`|. only (no spaces, no # or @)'],
  [{ code: 'TEXT_INVALID', maxBytes: 16384 }, 'say', 'a message is 1 to 16384 bytes of text'],
  [
    { code: 'CONNECT_FAILED', undelivered: 2 },
    undefined,
    '2 line(s) not delivered yet: no relay reachable. They are kept and go out when lanchat next meets a relay.',
  ],
  [{ code: 'STORE_FAILED', what: 'own', count: 3, cause: 'disk full' }, undefined, '3 line(s) could not be stored and were not sent: disk full'],
  [{ code: 'STORE_FAILED', what: 'received', count: 7, cause: 'disk full' }, undefined, '7 message(s) could not be stored: disk full'],
  [
    { code: 'STORE_FAILED', what: 'relay', count: 2, cause: 'disk full' },
    undefined,
    'the relay on this node could not store 2 message(s) members sent (they still reach everyone): disk full',
  ],
  [
    { code: 'BAD_SIGNATURE', what: 'sync', reason: 'bad signature' },
    undefined,
    'refused a sync batch from the relay: bad signature; nothing of it was stored',
  ],
  [
    { code: 'BAD_SIGNATURE', what: 'message', origin: NODE, seq: 12, reason: 'chain broken' },
    undefined,
    'refused a message from node b7e1c0de99aa7733 (seq 12): chain broken',
  ],
  [{ code: 'BAD_SIGNATURE', what: 'message', reason: 'no origin' }, undefined, 'refused a message from a member (seq ?): no origin'],
  [{ code: 'BAD_IDENTITY', host: '10.0.0.7', port: 40123 }, undefined, 'the relay at 10.0.0.7:40123 does not prove its node id'],
  [
    {
      code: 'WRONG_SECRET',
      host: '10.0.0.7',
      port: 40123,
      network: 'lanchat',
      cause: 'mismatch',
      detail: 'the node at 10.0.0.7:40123 has another secret for this network',
    },
    undefined,
    'wrong secret for network "lanchat": the node at 10.0.0.7:40123 has another secret for this network',
  ],
  [
    { code: 'WRONG_SECRET', host: '10.0.0.7', port: 40123, network: 'lanchat', cause: 'maybe-needed' },
    undefined,
    'the node at 10.0.0.7:40123 hung up without answering: it may need a room secret (LANCHAT_SECRET or --secret-file)',
  ],
  [{ code: 'BAD_FRAME', detail: 'index out of range: 4 + 10 > 6' }, undefined, 'index out of range: 4 + 10 > 6'],
  [{ code: 'USAGE', detail: 'usage: /nick NICK' }, 'nick', 'usage: /nick NICK'],
  [{ code: 'SEARCH_INVALID', maxChars: 200 }, 'search', 'a search is 1 to 200 characters of text'],
  [{ code: 'SEARCH_FAILED', cause: 'closed' }, 'search', 'could not search the history: closed'],
  [{ code: 'NICK_IN_USE', remote: { message: 'the nick CAROL is taken', suggestion: 'CAROL2' } }, 'nick', 'the nick CAROL is taken'],
  // A code this node words itself, refused by the relay: the relay's words.
  [{ code: 'ROOM_INVALID', remote: { message: 'the relay says no' } }, 'join', 'the relay says no'],
  // conversation (issue 17)
  [{ code: 'NOT_IGNORED', nick: 'bob' }, 'unignore', 'you are not ignoring bob; /ignore lists whom you ignore'],
  [{ code: 'NO_SUCH_NICK', nick: 'zed', reason: 'unknown' }, 'ignore', 'no one called zed is online or was seen before'],
  [{ code: 'TEXT_INVALID', maxBytes: 390 }, 'topic', 'a topic is 1 to 390 bytes of text'],
];

describe('the words of notices', () => {
  it.each(NOTICES)('%j', (notice, sentence) => {
    expect(noticeText(notice)).toBe(sentence);
  });

  it('has a row for every code', () => {
    // A code added to chat/views.ts's Notice fails to compile here until it has its row.
    const codes: Record<NoticeCode, true> = {
      OPEN: true,
      SECRET: true,
      LOOKING: true,
      RELAY_LOST: true,
      RELAY_CHANGED: true,
      HANDING_OVER: true,
      TWO_FORCED: true,
      MDNS_TROUBLE: true,
      OTHER_SECRET: true,
      NICK_KEY_CHANGED: true,
      CAUGHT_UP: true,
      NO_TOPIC: true,
      IGNORED: true,
      UNIGNORED: true,
      AWAY: true,
      BACK: true,
      OFFLINE_DELIVERY: true,
      HISTORY_FULL: true,
      ORIGIN_FULL: true,
    };
    expect(new Set(NOTICES.map(([n]) => n.code))).toEqual(new Set(Object.keys(codes)));
  });
});

describe('the words of problems', () => {
  it.each(PROBLEMS)('%j after %s', (problem, command, sentence) => {
    expect(problemText(problem, command)).toBe(sentence);
  });

  it('has a row for every code it words itself', () => {
    const local = PROBLEMS.filter(([p]) => !('remote' in p)).map(([p]) => p.code);
    // A code added to chat/views.ts's Problem fails to compile here until it has its row.
    const codes: Record<Exclude<Problem, { remote: unknown }>['code'], true> = {
      NOT_IN_ROOM: true,
      NO_SUCH_NICK: true,
      NOT_IGNORED: true,
      ROOM_INVALID: true,
      NICK_INVALID: true,
      TEXT_INVALID: true,
      CONNECT_FAILED: true,
      STORE_FAILED: true,
      BAD_SIGNATURE: true,
      BAD_IDENTITY: true,
      WRONG_SECRET: true,
      BAD_FRAME: true,
      USAGE: true,
      SEARCH_INVALID: true,
      SEARCH_FAILED: true,
    };
    expect(new Set(local)).toEqual(new Set(Object.keys(codes)));
  });
});

describe('the sentence of a session report', () => {
  it('is the words of its data, with the refused command where one was given', () => {
    expect(noticeSentence({ notice: { code: 'OPEN' } })).toBe(NOTICES[0]![1]);
    expect(problemSentence({ problem: { code: 'NOT_IN_ROOM', room: null } }, 'who')).toBe('you are in no room; /who #room');
    expect(problemSentence({ problem: { code: 'NOT_IN_ROOM', room: null, asked: 'part' } })).toBe('you are not in any room');
    expect(problemSentence({ problem: { code: 'USAGE', detail: 'd' } })).toBe('d');
  });
});

const NEW_ID = ' Deleting identity.pem makes the next start a new identity (a new node id: others are told that your nick comes with a new key).';

// A data folder's file or folder that lanchat cannot use: which, what is wrong, what to do.
const FILES: [FileProblem, string][] = [
  [
    { what: 'data-folder', path: '/srv/chat', dataDir: '/srv/chat', trouble: 'not-a-folder', doing: 'write' },
    'the data folder /srv/chat is a file (or inside one), not a folder: name a folder with --data DIR (it is made if missing), or move the file aside.',
  ],
  [
    { what: 'data-folder', path: '/srv/chat', dataDir: '/srv/chat', trouble: 'read-only', doing: 'write' },
    'the data folder /srv/chat is on a read-only file system, and lanchat writes in its data folder: start it with a writable one (--data DIR).',
  ],
  [
    { what: 'data-folder', path: '/srv/chat', dataDir: '/srv/chat', trouble: 'denied', doing: 'write' },
    'lanchat is not allowed to write in the data folder /srv/chat: make it yours again (chown, then chmod u+rwx), or start lanchat with another data folder (--data DIR).',
  ],
  [
    { what: 'data-folder', path: '/srv/chat', dataDir: '/srv/chat', trouble: 'full', doing: 'write' },
    'the disk holding the data folder /srv/chat is full: make room, then start lanchat again.',
  ],
  [
    { what: 'identity', path: '/d/identity.pem', dataDir: '/d', trouble: 'denied', doing: 'read' },
    `lanchat is not allowed to read the identity key /d/identity.pem: make it yours again (chown, then chmod u+rw), or start lanchat with another data folder (--data DIR).${NEW_ID}`,
  ],
  [
    { what: 'identity', path: '/d/identity.pem', dataDir: '/d', trouble: 'is-a-folder', doing: 'read' },
    `the identity key /d/identity.pem is a folder, not a file: move it out of the data folder, and put back the key file if you have a copy.${NEW_ID}`,
  ],
  [
    { what: 'identity', path: '/d/identity.pem', dataDir: '/d', trouble: 'empty' },
    'the identity key /d/identity.pem is empty. `lanchat repair --data /d` moves it aside, and the next start makes a new identity (a new node id: others are told that your nick comes with a new key); or put back a copy of the key, if you have one.',
  ],
  [
    { what: 'identity', path: '/d/identity.pem', dataDir: '/d', trouble: 'garbled' },
    'the identity key /d/identity.pem does not hold an Ed25519 private key. `lanchat repair --data /d` moves it aside, and the next start makes a new identity (a new node id: others are told that your nick comes with a new key); or put back a copy of the key, if you have one.',
  ],
  [
    { what: 'identity', path: '/d/identity.pem', dataDir: '/d', trouble: 'failed', doing: 'write' },
    `lanchat cannot write the identity key /d/identity.pem: the file system refused; check the disk, then start lanchat again.${NEW_ID}`,
  ],
  [
    { what: 'chain-head', path: '/d/chain-head.json', dataDir: '/d', trouble: 'denied', doing: 'read' },
    'lanchat is not allowed to read the chain head /d/chain-head.json: make it yours again (chown, then chmod u+rw), or start lanchat with another data folder (--data DIR).',
  ],
  [
    { what: 'chain-head', path: '/d/chain-head.json', dataDir: '/d', trouble: 'is-a-folder', doing: 'read' },
    'the chain head /d/chain-head.json is a folder, not a file: move it out of the data folder.',
  ],
  [
    { what: 'chain-head', path: '/d/chain-head.json', dataDir: '/d', trouble: 'garbled' },
    'the chain head /d/chain-head.json is garbled: it says where the numbering of your own messages stands. `lanchat repair --data /d` moves it aside, and the numbering goes on from the history; or put back a copy of it, if you have one.',
  ],
  [
    { what: 'history-folder', path: '/d/history', dataDir: '/d', trouble: 'not-a-folder', doing: 'read' },
    'the history folder /d/history is a file, not a folder: move it out of the data folder.',
  ],
  [
    { what: 'web-token', path: '/d/web-token', dataDir: '/d', trouble: 'is-a-folder', doing: 'write' },
    "the browser UI's token /d/web-token is a folder, not a file: move it out of the data folder.",
  ],
  // A file the user named: what is wrong, and what to name instead.
  [
    { what: 'secret-file', path: '/h/secret', trouble: 'missing', doing: 'read' },
    'cannot read the secret file /h/secret: it does not exist; name the file that holds the room secret on its first line (--secret-file FILE), or set LANCHAT_SECRET.',
  ],
  [
    { what: 'secret-file', path: '/h/secret', trouble: 'denied', doing: 'read' },
    'cannot read the secret file /h/secret: permission denied; make it readable to you (chmod u+r), or name the file that holds the room secret on its first line (--secret-file FILE), or set LANCHAT_SECRET.',
  ],
  [
    { what: 'secret-file', path: '/h/secret', trouble: 'empty' },
    'the secret file /h/secret has nothing on its first line, where the room secret goes; name the file that holds the room secret on its first line (--secret-file FILE), or set LANCHAT_SECRET.',
  ],
];

describe('the words of a data folder file lanchat cannot use', () => {
  it.each(FILES)('%j', (file, sentence) => {
    expect(fileProblemText(file)).toBe(sentence);
  });

  const TROUBLES: FileTrouble[] = ['missing', 'denied', 'read-only', 'is-a-folder', 'not-a-folder', 'full', 'empty', 'garbled', 'failed'];
  const WHATS: DataFileProblem['what'][] = ['data-folder', 'identity', 'chain-head', 'history-folder', 'web-token'];
  it('names the file, says what to do, and never a system error code, whatever the case', () => {
    for (const what of WHATS) {
      for (const trouble of TROUBLES) {
        for (const doing of ['read', 'write'] as const) {
          const text = fileProblemText({ what, path: '/x/thing', dataDir: '/x', trouble, doing });
          expect(text).toContain('/x/thing');
          expect(text).toMatch(/: .*\.$|\. .*\.$/);
          expect(text).not.toMatch(/\bE[A-Z]{3,}\b|Error/);
          if (what === 'identity') expect(text).toMatch(/new identity/);
        }
      }
    }
    for (const trouble of TROUBLES) {
      const named = fileProblemText({ what: 'secret-file', path: '/x/thing', trouble, doing: 'read' });
      expect(named).toContain('/x/thing');
      expect(named).toMatch(/\.$/);
      expect(named).not.toMatch(/\bE[A-Z]{3,}\b|Error|repair/);
    }
  });

  it('errorText words a file error, and passes any other message on', () => {
    const file: FileProblem = { what: 'chain-head', path: '/d/chain-head.json', dataDir: '/d', trouble: 'is-a-folder' };
    expect(errorText(fileError('DATA_DIR_ACCESS', file, new Error('EISDIR: illegal operation on a directory')))).toBe(fileProblemText(file));
    expect(errorText(new LanchatError('DATA_DIR_IN_USE', 'the data folder /d is in use'))).toBe('the data folder /d is in use');
    expect(errorText('odd')).toBe('odd');
  });
});

describe('the words of a port lanchat cannot listen on', () => {
  it.each([
    ['--port', 4000, 'EADDRINUSE', 'port 4000 is in use by another program: choose another with --port PORT, or leave --port out for any free port.'],
    ['--web', 8080, 'EADDRINUSE', 'port 8080 is in use by another program: choose another with --web PORT, or give --web alone for any free port.'],
    ['--port', 80, 'EACCES', 'lanchat may not listen on port 80 (ports below 1024 need privileges): choose one above 1023 with --port PORT, or leave --port out for any free port.'],
    ['--web', 9000, 'EADDRNOTAVAIL', 'lanchat cannot listen on port 9000: the system refused; choose another with --web PORT, or give --web alone for any free port.'],
  ] as const)('%s %i, %s', (option, port, code, sentence) => {
    const err = portError(option, port, Object.assign(new Error(`listen ${code}`), { code }));
    expect(err.code).toBe('USAGE');
    expect(errorText(err)).toBe(sentence);
  });
});


describe('the words of a retry', () => {
  it.each([
    [0, 'retrying now'],
    [49, 'retrying now'],
    [50, 'retrying in 50 ms'],
    [999, 'retrying in 999 ms'],
    [2_500, 'retrying in 2.5 s'],
  ])('%i ms: %s', (ms, words) => {
    expect(retryWords(ms)).toBe(words);
  });
});
