import { describe, expect, it } from 'vitest';
import { nickKey } from '../../src/chat/names.js';
import {
  admit,
  type Admitted,
  type AdmissionState,
  describeNickTaken,
  describeRefusal,
  isRefusal,
  type Refusal,
} from '../../src/relay/admission.js';
import { DEFAULT_LIMITS, PROTOCOL_VERSION } from '../../src/wire/limits.js';
import { lanchat } from '../../src/wire/protobuf.js';

// Admission as a pure function: a first frame and the relay's state in, a session or a refusal out.

const ANN = Buffer.alloc(32, 0xa1);
const BOB = Buffer.alloc(32, 0xb0);
const CAT = Buffer.alloc(32, 0xc4);
const hex = (id: Buffer): string => id.toString('hex');

/** The relay's state with these sessions open (node id, nick). */
function state(open: [Buffer, string][] = [], overrides: Partial<AdmissionState> = {}): AdmissionState {
  const seats = open.map(([id, nick]) => ({ nodeIdHex: hex(id), nick }));
  return {
    network: 'test',
    protocolVersion: PROTOCOL_VERSION,
    sessions: {
      byId: new Map(seats.map((s) => [s.nodeIdHex, s])),
      byNick: new Map(seats.map((s) => [nickKey(s.nick), s])),
    },
    proof: 'no-tls',
    remoteAddress: '10.0.0.5',
    limits: DEFAULT_LIMITS,
    ...overrides,
  };
}

function hello(fields: lanchat.Hello.$Properties = {}): lanchat.Frame.$Shape {
  return { kind: 'hello', hello: { protocolVersion: PROTOCOL_VERSION, nodeId: ANN, nick: 'ann', network: 'test', rooms: ['#lobby'], ...fields } };
}

function admitted(first: lanchat.Frame.$Shape, at: AdmissionState): Admitted {
  const answer = admit(first, at);
  if (isRefusal(answer)) throw new Error(`refused: ${answer.code} ${describeRefusal(answer)}`);
  return answer;
}

describe('admission refusals', () => {
  const oversized = hello({ rooms: Array.from({ length: 400 }, (_, i) => `#room-${i}-${'x'.repeat(40)}`) });
  const cases: { name: string; first: lanchat.Frame.$Shape; at?: AdmissionState; refusal: Refusal; message: string }[] = [
    {
      name: 'a first frame that is not a hello',
      first: { kind: 'join', join: { room: '#x' } },
      refusal: { code: 'UNEXPECTED_FRAME' },
      message: 'the first frame must be a hello',
    },
    {
      name: 'another protocol',
      first: hello({ protocolVersion: 99 }),
      refusal: { code: 'PROTOCOL_VERSION', asked: 99, served: PROTOCOL_VERSION },
      message: `protocol 99 is not ${PROTOCOL_VERSION}; upgrade lanchat`,
    },
    {
      name: 'no protocol version at all',
      first: hello({ protocolVersion: null }),
      refusal: { code: 'PROTOCOL_VERSION', asked: 0, served: PROTOCOL_VERSION },
      message: `protocol 0 is not ${PROTOCOL_VERSION}; upgrade lanchat`,
    },
    {
      name: 'another network',
      first: hello({ network: 'elsewhere' }),
      refusal: { code: 'WRONG_NETWORK', asked: 'elsewhere', served: 'test' },
      message: 'this relay serves network "test", not "elsewhere"',
    },
    {
      name: 'no network, on a named one',
      first: hello({ network: null }),
      refusal: { code: 'WRONG_NETWORK', asked: '', served: 'test' },
      message: 'this relay serves network "test", not ""',
    },
    {
      name: 'no node id',
      first: hello({ nodeId: null }),
      refusal: { code: 'BAD_FRAME', problem: 'node-id' },
      message: 'a hello needs a 32-byte node id',
    },
    {
      name: 'a node id of 31 bytes',
      first: hello({ nodeId: Buffer.alloc(31, 1) }),
      refusal: { code: 'BAD_FRAME', problem: 'node-id' },
      message: 'a hello needs a 32-byte node id',
    },
    {
      name: 'a hello over the size limit',
      first: oversized,
      refusal: { code: 'BAD_FRAME', problem: 'too-big', maxBytes: DEFAULT_LIMITS.helloBytes },
      message: `a hello is at most ${DEFAULT_LIMITS.helloBytes} bytes`,
    },
    {
      name: 'a node id the TLS session does not prove',
      first: hello(),
      at: state([], { proof: 'unproven' }),
      refusal: { code: 'BAD_IDENTITY' },
      message: 'the hello does not prove its node id (a signature over this TLS session)',
    },
    {
      name: 'an empty nick',
      first: hello({ nick: '' }),
      refusal: { code: 'NICK_INVALID', problem: 'a nick cannot be empty' },
      message: 'a nick cannot be empty',
    },
    {
      name: 'a nick with a space',
      first: hello({ nick: 'ann b' }),
      refusal: { code: 'NICK_INVALID', problem: 'a nick is letters, digits and _-[]{}^`|. only (no spaces, no # or @)' },
      message: 'a nick is letters, digits and _-[]{}^`|. only (no spaces, no # or @)',
    },
    // The checks run in order: the first that fails is the one reported.
    {
      name: 'another network and a bad nick: the network',
      first: hello({ network: 'elsewhere', nick: '' }),
      refusal: { code: 'WRONG_NETWORK', asked: 'elsewhere', served: 'test' },
      message: 'this relay serves network "test", not "elsewhere"',
    },
    {
      name: 'unproven and another protocol: the protocol',
      first: hello({ protocolVersion: 2 }),
      at: state([], { proof: 'unproven' }),
      refusal: { code: 'PROTOCOL_VERSION', asked: 2, served: PROTOCOL_VERSION },
      message: `protocol 2 is not ${PROTOCOL_VERSION}; upgrade lanchat`,
    },
    {
      name: 'unproven and a bad nick: the proof',
      first: hello({ nick: '' }),
      at: state([], { proof: 'unproven' }),
      refusal: { code: 'BAD_IDENTITY' },
      message: 'the hello does not prove its node id (a signature over this TLS session)',
    },
  ];

  for (const { name, first, at, refusal, message } of cases) {
    it(`refuses ${name}: ${refusal.code}`, () => {
      const answer = admit(first, at ?? state());
      expect(answer).toEqual(refusal);
      expect(isRefusal(answer) && describeRefusal(answer)).toBe(message);
    });
  }

  it('words the refusal the relay finds itself, a welcome too big for a frame', () => {
    expect(describeRefusal({ code: 'SERVER_FULL' })).toBe('the roster of this relay no longer fits in a welcome');
  });

  it('lets a hello of exactly the size limit in, and not one byte more', () => {
    const limits = { ...DEFAULT_LIMITS, helloBytes: 300 };
    const padded = (bytes: number): lanchat.Frame.$Shape => {
      // From 128 characters on, the address's length takes two bytes: both sizes below are past that.
      const base = lanchat.Hello.encode(hello({ addresses: ['a'.repeat(128)] }).hello!).len;
      return hello({ addresses: ['a'.repeat(128 + bytes - base)] });
    };
    expect(lanchat.Hello.encode(padded(300).hello!).len).toBe(300);
    expect(isRefusal(admit(padded(300), state([], { limits })))).toBe(false);
    expect(admit(padded(301), state([], { limits }))).toEqual({ code: 'BAD_FRAME', problem: 'too-big', maxBytes: 300 });
  });
});

describe('admission of a session', () => {
  const nickCases: { name: string; asked: string; open: [Buffer, string][]; nick: string; nickTaken?: string; replaces?: boolean }[] = [
    { name: 'a free nick', asked: 'ann', open: [[BOB, 'bob']], nick: 'ann' },
    { name: 'a nick someone holds, in another case', asked: 'ANN', open: [[BOB, 'ann']], nick: 'ANN2', nickTaken: 'ANN' },
    { name: 'a nick whose first suggestions are held', asked: 'ann', open: [[BOB, 'ann'], [CAT, 'Ann2']], nick: 'ann3', nickTaken: 'ann' },
    { name: 'a held nick ending in digits', asked: 'ann7', open: [[BOB, 'ann7']], nick: 'ann2', nickTaken: 'ann7' },
    { name: 'its own nick, from a node reconnecting', asked: 'ann', open: [[ANN, 'ann'], [BOB, 'bob']], nick: 'ann', replaces: true },
    { name: 'a new nick, from a node reconnecting', asked: 'anna', open: [[ANN, 'ann']], nick: 'anna', replaces: true },
    // The reconnecting node's old nick is free to it, so its suggestion may be that nick's.
    { name: 'a held nick, from a node reconnecting', asked: 'bob', open: [[ANN, 'bob2'], [BOB, 'bob']], nick: 'bob2', nickTaken: 'bob', replaces: true },
  ];

  for (const { name, asked, open, nick, nickTaken, replaces = false } of nickCases) {
    it(`${name}: ${asked} → ${nick}`, () => {
      const session = admitted(hello({ nick: asked }), state(open));
      expect(session.nick).toBe(nick);
      expect(session.nickTaken).toBe(nickTaken);
      expect(session.replaces).toBe(replaces);
    });
  }

  it('words the NICK_IN_USE that follows a taken nick', () => {
    expect(describeNickTaken('ann', 'ann2')).toBe('the nick ann is taken; you are ann2');
  });

  it('keeps the rooms asked for, normalized, without duplicates or invalid names, up to the cap', () => {
    const rooms = (asked: string[], roomsPerMember = DEFAULT_LIMITS.roomsPerMember): string[] => [
      ...admitted(hello({ rooms: asked }), state([], { limits: { ...DEFAULT_LIMITS, roomsPerMember } })).rooms,
    ];
    expect(rooms([])).toEqual([]);
    expect(rooms(['Dev', '#LOBBY', 'bad room', '#dev', ''])).toEqual(['#dev', '#lobby']);
    expect(rooms(['a', 'bad room', '#B', '#a', '#c', '#d'], 2)).toEqual(['#a', '#b']);
    const many = Array.from({ length: DEFAULT_LIMITS.roomsPerMember + 10 }, (_, i) => `#r${i}`);
    expect(rooms(many)).toEqual(many.slice(0, DEFAULT_LIMITS.roomsPerMember));
  });

  it('lists the address it is seen from first, then up to the cap of those it announces', () => {
    const addresses = (remoteAddress: string, announced: string[]): string[] =>
      admitted(hello({ addresses: announced }), state([], { remoteAddress })).addresses;
    expect(addresses('::ffff:10.0.0.5', ['10.0.0.5', '192.168.1.2'])).toEqual(['10.0.0.5', '192.168.1.2']);
    expect(addresses('', ['192.168.1.2'])).toEqual(['192.168.1.2']);
    expect(addresses('10.0.0.5', ['x'.repeat(65), 'y'.repeat(64)])).toEqual(['10.0.0.5', 'y'.repeat(64)]);
    const twelve = Array.from({ length: 12 }, (_, i) => `192.168.1.${i}`);
    expect(addresses('10.0.0.5', twelve)).toEqual(['10.0.0.5', ...twelve.slice(0, DEFAULT_LIMITS.announcedAddresses)]);
  });

  it('carries what the roster repeats, with its own copy of the node id', () => {
    const keys = { publicKey: Buffer.alloc(32, 7) };
    const rank = { forced: true, weight: 2, startedAt: 123 };
    const nodeId = Buffer.from(ANN);
    const session = admitted(hello({ nodeId, listenPort: 4100, rank, keys }), state([], { proof: 'proven' }));
    expect(session).toMatchObject({ nodeIdHex: hex(ANN), port: 4100, rank, keys, replaces: false, nickTaken: undefined });
    expect(session.nodeId.equals(ANN)).toBe(true);
    nodeId.fill(0);
    expect(session.nodeId.equals(ANN)).toBe(true);
    expect(admitted(hello({ listenPort: null }), state()).port).toBe(0);
  });
});
