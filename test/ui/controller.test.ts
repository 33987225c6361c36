import { describe, expect, it } from 'vitest';
import { ChatController } from '../../src/ui/controller.js';
import type { UiEvent } from '../../src/ui/events.js';
import { fakeSession } from '../helpers/fake-session.js';

describe('the controller: a typed line', () => {
  // In a private conversation (the full screen's window, the page's conversation) a plain line and /me go to
  // its person and /close closes it; everything else is the same line typed anywhere.
  it.each([
    ['hi there', undefined, ['say', 'hi there']],
    ['hi there', 'bob', ['whisper', 'bob', 'hi there']],
    ['/me waves', undefined, ['act', 'waves']],
    ['/me waves', 'bob', ['act', 'waves', 'bob']],
    ['/close', 'bob', ['closeConversation', 'bob']],
    ['/close carol', 'bob', ['closeConversation', 'carol']],
    ['/away lunch', 'bob', ['setAway', 'lunch']],
    ['//help', 'bob', ['whisper', 'bob', '/help']],
  ] as const)('%s in %s', (line, privateTo, call) => {
    const session = fakeSession({ currentRoom: '#dev' });
    const shown: UiEvent[] = [];
    const controller = new ChatController(session, (e) => shown.push(e));
    expect(controller.handleLine(line, privateTo)).toBe(true);
    expect(session.calls[0]).toEqual(call);
  });

  it('/quit in a private conversation still quits', () => {
    const controller = new ChatController(fakeSession({ currentRoom: '#dev' }), () => undefined);
    expect(controller.handleLine('/quit', 'bob')).toBe(false);
  });
});
