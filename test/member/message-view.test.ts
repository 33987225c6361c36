import { describe, expect, it } from 'vitest';
import { sealedAction } from '../../src/chat/private-action.js';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { seal } from '../../src/identity/seal.js';
import { messageView } from '../../src/member/message-view.js';

const ann = ephemeralIdentity();
const bob = ephemeralIdentity();

const privateLine = (text: string, action = false) => ({
  origin: ann.nodeId,
  seq: 1,
  time: 1_700_000_000_000,
  nick: 'ann',
  to: { nodeId: bob.nodeId, nick: 'bob' },
  sealed: seal(text, bob.sealKeyRaw, ann.sealKeyRaw),
  ...(action ? { action: true } : {}),
});

describe('an action as a reader shows it', () => {
  it('finds a private action inside the seal, for the recipient and the sender', () => {
    expect(messageView(privateLine(sealedAction('waves')), bob)).toMatchObject({ text: 'waves', action: true, own: false });
    expect(messageView(privateLine(sealedAction('waves')), ann)).toMatchObject({ text: 'waves', action: true, own: true });
    expect(messageView(privateLine('waves'), bob)).not.toHaveProperty('action');
  });

  it('still takes the flag outside the seal, as the previous version wrote private actions', () => {
    expect(messageView(privateLine('waves', true), bob)).toMatchObject({ text: 'waves', action: true });
  });

  it('takes a room line for what its flag says, whatever its text', () => {
    const room = { origin: ann.nodeId, seq: 1, time: 1_700_000_000_000, nick: 'ann', room: '#lobby' };
    expect(messageView({ ...room, text: sealedAction('waves') }, bob)).toMatchObject({ text: '\u0001ACTION waves\u0001' });
    expect(messageView({ ...room, text: sealedAction('waves') }, bob)).not.toHaveProperty('action');
    expect(messageView({ ...room, text: 'waves', action: true }, bob)).toMatchObject({ text: 'waves', action: true });
  });
});
