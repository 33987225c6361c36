import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../src/chat/views.js';
import { type Line, markerIndex, newestMessage, unreadAfter } from '../../../src/web/client/lines.js';

function msg(ts: number, own = false): Line {
  const message: MessageView = { id: `m${ts}`, from: own ? 'alice' : 'bob', fromId: own ? 'a' : 'b', room: '#dev', to: null, text: 't', ts, own };
  return { kind: 'message', key: message.id, ts, message, mention: false };
}
const info = (ts: number): Line => ({ kind: 'info', key: `i${ts}`, ts, text: 'note', error: false });

describe('read markers over a conversation’s lines', () => {
  it.each([
    ['no marker: nothing counted', [msg(1), msg(2)], undefined, 0],
    ['others’ lines after the marker', [msg(1), msg(2), msg(3)], 1, 2],
    ['one’s own lines and notes are not unread', [msg(1), msg(2, true), info(3), msg(4)], 1, 1],
    ['all read', [msg(1), msg(2)], 2, 0],
    ['a marker older than every line held', [msg(5), msg(6)], 1, 2],
  ])('counts unread: %s', (_name, lines, read, expected) => {
    expect(unreadAfter(lines, read)).toBe(expected);
  });

  it.each([
    ['the newest chat line', [msg(1), msg(4), info(9)], 4],
    ['none without chat lines', [info(1)], undefined],
    ['none in an empty window', [], undefined],
  ])('finds %s', (_name, lines, expected) => {
    expect(newestMessage(lines)).toBe(expected);
  });

  it.each([
    ['before the first line after the marker', [msg(1), msg(2), msg(3)], 2, 2],
    ['past notes in between', [msg(1), info(2), msg(3)], 1, 2],
    ['nowhere without a marker', [msg(1), msg(2)], undefined, -1],
    ['nowhere when all is read', [msg(1), msg(2)], 2, -1],
    ['nowhere when no line held is as old as the marker (it would only mark the top of what was loaded)', [msg(5), msg(6)], 1, -1],
    ['before one’s own line too', [msg(1), msg(2, true)], 1, 1],
  ])('places the “new since you last looked” line %s', (_name, lines, marker, expected) => {
    expect(markerIndex(lines, marker)).toBe(expected);
  });
});
