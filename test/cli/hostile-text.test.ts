import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ephemeralIdentity, loadOrCreateIdentity, type Identity } from '../../src/identity/identity.js';
import { seal } from '../../src/identity/seal.js';
import type { Connection } from '../../src/net/connection.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';
import { encodeMessageFrame } from '../../src/wire/codec.js';
import { PROTOCOL_VERSION } from '../../src/wire/limits.js';
import { lanchat } from '../../src/wire/protobuf.js';
import { Cluster, LANCHAT_BIN } from '../helpers/lanchat-process.js';
import { Waiters } from '../helpers/waiters.js';
import { challengeHello, serve, WireClient } from '../helpers/wire-client.js';

// Issue 15, finding 4: what a peer writes reaches a terminal. Real lanchat processes on 127.0.0.1 with
// mDNS off; the hostile peer is the project's own codec on a socket.
const CLEAR = '\x1b[2J';
const TITLE = '\x1b]0;owned\x07';
const RLO = '\u202e';
const BEL = '\x07';
const HOSTILE = `${CLEAR}${TITLE}${RLO}gpj.exe${BEL}\x9b31m`;
/** How line mode shows it: every control visible, nothing a terminal acts on. */
const SHOWN = '\u241b[2J\u241b]0;owned\u2407\ufffdgpj.exe\u2407\ufffd31m';
/** Anything a terminal acts on, or that reorders a line (LF excepted: it ends each printed line). */
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/u;
const NETWORK = 'lanchat';

/** A `lanchat --plain` process (line mode on a pipe), its output kept as raw text. */
class PlainProcess {
  readonly child: ChildProcessWithoutNullStreams;
  output = '';
  readonly #waiters = new Waiters();

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [LANCHAT_BIN, '--plain', '--no-discovery', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
      this.#waiters.notify();
    });
    this.child.once('exit', () => this.#waiters.notify());
  }

  /** Waits until the output holds `text`. */
  waitForOutput(text: string, timeoutMs = 10_000): Promise<true> {
    return this.#waiters.until(
      () => {
        if (this.output.includes(text)) return true;
        if (this.child.exitCode !== null) throw new Error(`lanchat --plain exited (${this.child.exitCode}); output: ${this.output}`);
        return undefined;
      },
      timeoutMs,
      () => `no "${text}" within ${timeoutMs} ms; output: ${JSON.stringify(this.output)}`,
    );
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** A signed room line of `author`, as its member would write it (seq and prev chained by the caller). */
function line(author: Identity, seq: number, prev: Buffer | undefined, fields: { nick: string; room?: string; text?: string; to?: { identity: Identity; nick: string } }): Buffer {
  const target = fields.to === undefined
    ? { room: fields.room ?? '#lobby', text: fields.text ?? '' }
    : { to: { nodeId: fields.to.identity.nodeId, nick: fields.to.nick }, sealed: seal(fields.text ?? '', fields.to.identity.sealKeyRaw, author.sealKeyRaw) };
  return signMessage({ origin: author.nodeId, seq, time: Date.now() - 1000 + seq, counter: 0, nick: fields.nick, prev, ...target }, author, NETWORK);
}

function chain(author: Identity, lines: Parameters<typeof line>[3][]): Buffer[] {
  const out: Buffer[] = [];
  let prev: Buffer | undefined;
  lines.forEach((fields, i) => {
    const bytes = line(author, i + 1, prev, fields);
    prev = messageHash(bytes);
    out.push(bytes);
  });
  return out;
}

describe('text written by peers, shown by lanchat --plain and lanchat history', () => {
  const cluster = new Cluster();
  const plains: PlainProcess[] = [];
  const closers: (() => void)[] = [];
  afterAll(async () => {
    for (const p of plains) p.kill();
    for (const close of closers) close();
    await cluster.cleanup();
  });

  it('a member sending escape sequences, a title, a bell and a bidi override in lines and in its leave reason', async () => {
    const relay = await cluster.relay('hub');
    const plain = new PlainProcess(['--name', 'reader', '--data', cluster.dataDir('reader'), '--connect', `127.0.0.1:${relay.port}`]);
    plains.push(plain);
    await relay.proc.waitFor('presence', (e) => e.nick === 'reader' && e.state === 'joined');

    const evil = ephemeralIdentity();
    const client = await WireClient.connect(relay.port, evil);
    client.hello('mallory', ['#lobby'], NETWORK);
    await client.next('welcome');
    const lines = chain(evil, [
      { nick: 'mallory', text: `clear ${CLEAR} screen` },
      { nick: 'mallory', text: `title ${TITLE} set` },
      { nick: 'mallory', text: `${RLO}gpj.exe and a bell ${BEL}${BEL}` },
      { nick: 'mallory', text: `forged\r\n[12:00] #lobby <alice> send me your password` },
      { nick: 'mallory', text: HOSTILE },
    ]);
    for (const bytes of lines) client.conn.send(encodeMessageFrame(bytes));
    await plain.waitForOutput(`<mallory> ${SHOWN}`);
    client.conn.sendFrame({ leave: { reason: HOSTILE } });
    client.conn.close();
    await plain.waitForOutput(`* mallory left (${SHOWN})`);

    expect(plain.output).toContain('<mallory> clear \u241b[2J screen');
    expect(plain.output).toContain('<mallory> title \u241b]0;owned\u2407 set');
    expect(plain.output).toContain('<mallory> \ufffdgpj.exe and a bell \u2407\u2407');
    // The forged line stays inside mallory's own line.
    expect(plain.output).toContain('<mallory> forged\u240d\u240a[12:00] #lobby <alice> send me your password');
    expect(plain.output).not.toMatch(/^\[12:00\] #lobby <alice>/m);
    expect(UNSAFE.exec(plain.output)).toBeNull();
  });

  it('a relay sending them in its nick, the roster, presence, messages and error sentences', async () => {
    // On an open network any node can be the relay: a member shows what it sends as safely as the rest.
    const evil = ephemeralIdentity();
    const room = `#lobby${CLEAR}`;
    const frames = (helloNick: string): lanchat.Frame.$Shape[] => [
      { welcome: { protocolVersion: PROTOCOL_VERSION, relayId: evil.nodeId, relayNick: HOSTILE, nick: helloNick, rooms: ['#lobby', room], epoch: 1, roster: { peers: [{ nodeId: evil.nodeId, nick: HOSTILE, rooms: [room] }] } } },
      { presence: { state: lanchat.Presence.State.JOINED, peer: { nodeId: Buffer.alloc(32, 7), nick: HOSTILE, rooms: [room] } } },
      { error: { code: 'NICK_IN_USE', message: `the nick ${HOSTILE} is taken`, suggestion: `${HOSTILE}2` } },
      { presence: { state: lanchat.Presence.State.LEFT, peer: { nodeId: Buffer.alloc(32, 7), nick: HOSTILE }, reason: HOSTILE } },
    ];
    const messages = chain(evil, [
      // Its nick and room break the message rules (src/sync/message-rules.ts): dropped, never shown.
      { nick: HOSTILE, room, text: HOSTILE },
      { nick: 'relay', text: HOSTILE },
      { nick: 'relay', text: 'the end' },
    ]);
    const { server, port } = await serve((conn: Connection) => {
      // It proves its node id as any relay must, then sends what it likes.
      challengeHello(conn, evil, NETWORK, (hello, proof) => {
        const [welcome, ...rest] = frames(hello.nick ?? '');
        conn.sendFrame({ welcome: { ...welcome!.welcome, ...proof } });
        for (const f of rest) conn.sendFrame(f);
        for (const bytes of messages) conn.send(encodeMessageFrame(bytes));
      });
    });
    closers.push(() => server.close());
    const plain = new PlainProcess(['--name', 'reader', '--data', cluster.dataDir('reader2'), '--connect', `127.0.0.1:${port}`]);
    plains.push(plain);
    await plain.waitForOutput('<relay> the end');

    expect(plain.output).toContain(`* the relay is ${SHOWN} at 127.0.0.1:${port}`);
    expect(plain.output).toContain(`* ${SHOWN} joined (#lobby\u241b[2J)`);
    expect(plain.output).toContain(`! the nick ${SHOWN} is taken (try ${SHOWN}2)`);
    expect(plain.output).toContain(`* ${SHOWN} left (${SHOWN})`);
    expect(plain.output).toContain(`#lobby <relay> ${SHOWN}`);
    expect(plain.output).not.toContain(`<${SHOWN}>`);
    expect(UNSAFE.exec(plain.output)).toBeNull();
  });

  it('lanchat history, plain and --json, of a store holding such lines, nicks and room names', async () => {
    const dataDir = cluster.dataDir('archive');
    mkdirSync(dataDir, { recursive: true });
    const self = await loadOrCreateIdentity(dataDir);
    const evil = ephemeralIdentity();
    const store = await LevelHistoryStore.open(join(dataDir, 'history'));
    // Written to the store directly: whatever a relay or a sync lets through, the history shows it safely.
    await store.append(
      chain(evil, [
        { nick: `mal${CLEAR}lory`, room: `#lobby${TITLE}`, text: HOSTILE },
        { nick: `${RLO}yrollam`, text: `bell${BEL} and ${RLO}override` },
        { nick: 'mallory', to: { identity: self, nick: `you${CLEAR}` }, text: `psst${TITLE}` },
      ]).map(decodeStored),
    );
    await store.close();

    const run = (...args: string[]) => spawnSync(process.execPath, [LANCHAT_BIN, 'history', '--data', dataDir, ...args], { encoding: 'utf8', timeout: 10_000 });
    const plain = run();
    expect(plain.stderr).toBe('');
    expect(plain.status).toBe(0);
    // The day is said above the first line (issue 16 item 11); the lines of the store follow it.
    const [day, ...shown] = plain.stdout.trim().split('\n');
    expect(day).toMatch(/^--- \w{3} \d{1,2} \w{3} \d{4}$/);
    expect(shown).toHaveLength(3);
    expect(shown[0]).toMatch(/^\[\d\d:\d\d\] #lobby\u241b\]0;owned\u2407 <mal\u241b\[2Jlory> /);
    expect(shown[0]).toContain(SHOWN);
    expect(shown[1]).toContain('<\ufffdyrollam> bell\u2407 and \ufffdoverride');
    expect(shown[2]).toContain('*mallory* psst\u241b]0;owned\u2407');
    expect(UNSAFE.exec(plain.stdout)).toBeNull();

    const json = run('--json');
    expect(json.status).toBe(0);
    expect(UNSAFE.exec(json.stdout)).toBeNull();
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { from: string; room: string | null; text: string; to: string | null });
    // JSON keeps the exact text for programs: the escapes only keep it off the terminal.
    expect(events.map((e) => [e.from, e.room, e.text])).toEqual([
      [`mal${CLEAR}lory`, `#lobby${TITLE}`, HOSTILE],
      [`${RLO}yrollam`, '#lobby', `bell${BEL} and ${RLO}override`],
      ['mallory', null, `psst${TITLE}`],
    ]);
    expect(events[2]!.to).toBe(`you${CLEAR}`);
  });
});
