/**
 * The browser UI's own words (src/web/client/): labels and short states. Everything the node says (notices,
 * errors, who is here) comes worded by ui/words.ts and ui/line-format.ts, as line mode shows it. Kept apart
 * from words.ts so the page carries these and not the node's every sentence.
 */
export const WEB_WORDS = {
  title: 'lanchat',
  rooms: 'Conversations',
  people: 'Here',
  you: '(you)',
  inputRoom: (room: string) => `Message ${room} (/help lists the commands)`,
  inputPrivate: (nick: string) => `Private message to ${nick}`,
  inputNone: 'Join a room: /join #room',
  connecting: 'connecting to the node…',
  offline: 'the node is not reachable; retrying… (if it started again on another port, lanchat open opens it there)',
  relayIsYou: 'you are the relay',
  relayIs: (nick: string, where: string) => `relay: ${nick} at ${where}`,
  electing: 'looking for a relay…',
  noRelayLink: 'no link to the relay',
  notify: 'Notify me',
  notifyOn: 'Notifications on',
  notifyDenied: 'Notifications blocked',
  menu: 'Conversations',
  olderLoading: 'loading older messages…',
  olderEnd: 'the start of this conversation',
  toNewest: 'Newest ↓',
  quitHint: 'closing the tab leaves the page; the node runs on for its terminal (/quit there stops it)',
  noticeIn: (nick: string, where: string) => `${nick} ${where}`,
  inRoom: (room: string) => `in ${room}`,
  privately: 'privately',
} as const;
