import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/chat/views.js';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import type { CaughtUp } from '../../src/member/inbox.js';
import { Member } from '../../src/member/member.js';
import { messageView } from '../../src/member/message-view.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { formatEvent } from '../../src/ui/line-format.js';
import { authored } from '../helpers/authored.js';
import { tempReplica } from '../helpers/replica.js';
import { relayForSuite } from '../helpers/loopback-relay.js';
import { WireClient } from '../helpers/wire-client.js';

const bob = ephemeralIdentity();
const mallory = ephemeralIdentity();
const self = ephemeralIdentity();
const pinnedToBob = (nick: string): string | undefined => (nick === 'bob' ? bob.nodeIdHex : undefined);

describe('messageView with nick pins', () => {
  const [asBob] = authored(mallory, 'test', 1, { nick: 'bob' });
  const [byBob] = authored(bob, 'test', 1, { nick: 'bob' });
  it('marks a line under a nick pinned to another node id', () => {
    expect(messageView(decodeStored(asBob!).shown, self, pinnedToBob)?.nickPinnedTo).toBe(bob.nodeIdHex);
  });
  it('leaves the pinned owner’s own lines, and unpinned nicks, unmarked', () => {
    expect(messageView(decodeStored(byBob!).shown, self, pinnedToBob)).not.toHaveProperty('nickPinnedTo');
    expect(messageView(decodeStored(asBob!).shown, self, () => undefined)).not.toHaveProperty('nickPinnedTo');
    expect(messageView(decodeStored(asBob!).shown, mallory, pinnedToBob)).not.toHaveProperty('nickPinnedTo');
  });
  it('is shown as not that person: the nick, a question mark, the author’s node id prefix', () => {
    const view = messageView(decodeStored(asBob!).shown, self, pinnedToBob)!;
    expect(formatEvent({ event: 'message', ...view }, { rooms: ['#lobby'] })).toMatch(new RegExp(`<bob\\?${mallory.nodeIdHex.slice(0, 8)}> line 1$`));
  });
});

// A synced line passes no relay's nick check: a member pushes a line signed as bob in a sync batch.
describe('a synced line under a nick pinned to another node id', () => {
  const closers: (() => Promise<void>)[] = [];
  const suite = relayForSuite(closers);

  it('reaches the viewer marked as not the pinned person', async () => {
    const made = await tempReplica();
    closers.push(made.close);
    const viewer = new Member({
      replica: made.replica,
      identity: self,
      network: 'test',
      nick: 'viewer',
      rooms: ['#lobby'],
      listenPort: 0,
      addresses: [],
      rank: { forced: false, weight: 0, startedAt: Date.now() },
      relay: { host: '127.0.0.1', port: suite.port() },
      nickOwner: pinnedToBob,
    });
    const connected = new Promise((resolve) => viewer.once('connected', resolve));
    viewer.start();
    await connected;
    const shown = new Promise<MessageView>((resolve) => {
      const found = (view: MessageView): void => void (view.text === 'line 1' && resolve(view));
      viewer.on('message', found);
      viewer.on('caughtUp', (info: CaughtUp) => info.recent.forEach(found));
    });
    const pusher = await WireClient.connect(suite.port(), mallory.nodeId);
    pusher.hello('mallory');
    await pusher.next('welcome');
    pusher.conn.sendFrame({ syncBatch: { messages: authored(mallory, 'test', 1, { nick: 'bob' }), more: false } });
    const view = await shown;
    expect(view.from).toBe('bob');
    expect(view.nickPinnedTo).toBe(bob.nodeIdHex);
    pusher.conn.close();
    await viewer.stop();
  });
});
