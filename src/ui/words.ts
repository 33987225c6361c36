import { nickRuleWords, roomProblem } from '../chat/names.js';
import type { Notice, Problem } from '../chat/views.js';
import type { NoticeReport, ProblemReport } from '../session/chat-session.js';
import type { CommandName } from '../session/dispatch.js';
import type { Notification } from './notify-policy.js';
import { type DataFileProblem, type FileProblem, isLanchatError, type NamedFileProblem, type PortProblem } from '../wire/errors.js';

/**
 * The English of every notice and problem: the session hands the faces data (chat/views.ts), and this
 * is where it becomes a sentence, the same in line mode, in --json (a notice's `text`, an error's
 * `message`) and on the full screen.
 */

export function noticeText(notice: Notice): string {
  switch (notice.code) {
    case 'OPEN':
      return 'the network is open: anyone on this LAN can read it (for a room secret: LANCHAT_SECRET or --secret-file)';
    case 'SECRET':
      return 'the network has a room secret: only those who know it can read or write';
    case 'LOOKING':
      return 'looking for peers…';
    case 'RELAY_LOST':
      return `lost the relay ${notice.relay} (${notice.reason}); electing another…`;
    case 'RELAY_CHANGED': {
      const to = notice.self ? 'you' : notice.to;
      return notice.planned ? `relay handed over to ${to}` : `relay ${notice.from} lost; ${to} took over`;
    }
    case 'HANDING_OVER':
      return `another relay outranks this one; handing over to ${notice.host}:${notice.port}`;
    case 'TWO_FORCED': {
      const keeper = notice.keeper === 'self' ? 'this node' : `the node at ${notice.host}`;
      return `another node was started with --host; ${keeper} keeps the relay (the lower node id)`;
    }
    case 'MDNS_TROUBLE':
      return `mDNS: ${notice.detail}`;
    case 'OTHER_SECRET': {
      const nodes = notice.nodes === 1 ? '1 lanchat node here uses' : `${notice.nodes} lanchat nodes here use`;
      return notice.secret
        ? `${nodes} another room secret (or none): another group, which cannot see this one`
        : `${nodes} a room secret: to chat with them, start with their secret (LANCHAT_SECRET or --secret-file)`;
    }
    case 'NICK_KEY_CHANGED':
      return (
        `warning: ${notice.nick} now comes with another key (node ${notice.nodeId.slice(0, 8)}, before: ${notice.pinned.slice(0, 8)}); ` +
        'it may be someone else using that nick' +
        // Without a secret no node id is proven: a node could also claim the pinned one.
        (notice.proven ? '' : ' (on an open network node ids are not proven either)')
      );
    case 'CAUGHT_UP': {
      const messages = `${notice.count} message${notice.count === 1 ? '' : 's'}`;
      const shown = notice.shown < notice.count ? ` (the last ${notice.shown} below; /history for more)` : '';
      if (notice.first) return `${notice.count} earlier message${notice.count === 1 ? '' : 's'} of this network${shown}`;
      return notice.away ? `${messages} while you were away${shown}` : `${messages} arrived at once${shown}`;
    }
    // --- conversation (issue 17) ---
    case 'NO_TOPIC':
      return `${notice.room} has no topic; /topic ${notice.room} TEXT sets one`;
    case 'IGNORED':
      return `ignoring ${notice.nick} (node ${notice.nodeId.slice(0, 8)}), whatever nick they take; /unignore ${notice.nick} to stop`;
    case 'UNIGNORED':
      return `no longer ignoring ${notice.nick} (node ${notice.nodeId.slice(0, 8)})`;
    case 'AWAY':
      return notice.auto ? 'you are away after a while without input; your next input brings you back' : `you are away: ${notice.reason}`;
    case 'BACK':
      return 'you are back';
    case 'OFFLINE_DELIVERY':
      return `${notice.nick} is offline; they will get it when they are back`;
    case 'HISTORY_FULL':
      return `the history here has reached its limit of ${mebibytes(notice.limitBytes)}: lines of others are shown but no longer kept (your own lines are always kept)`;
    case 'ORIGIN_FULL': {
      const who = notice.nick === undefined ? `node ${notice.origin.slice(0, 8)}` : `${notice.nick} (node ${notice.origin.slice(0, 8)})`;
      return `${who} has filled its share of the history here (${mebibytes(notice.limitBytes)}): its lines are shown but no longer kept`;
    }
  }
}

/**
 * `command`: the command the problem refuses, when a face gave one; the hint depends on it ("you are in
 * no room; /who #room" after /who).
 */
export function problemText(problem: Problem, command?: CommandName): string {
  if ('remote' in problem) return problem.remote.message; // the relay's words: a code this node does not word
  switch (problem.code) {
    case 'NOT_IN_ROOM':
      if (problem.room !== null) return `you are not in ${problem.room}`;
      if ((problem.asked ?? command) === 'part') return 'you are not in any room';
      return (problem.asked ?? command) === 'who' ? 'you are in no room; /who #room' : 'you are in no room; /join #room first';
    case 'NO_SUCH_NICK':
      if (problem.reason === 'self') return 'that is you';
      if (problem.reason === 'unknown') return `no one called ${problem.nick} is online or was seen before`;
      if (problem.reason === 'ambiguous') return `${problem.nick} is not online, and more than one node has used that nick; write to them when they are online`;
      return problem.reason === 'offline'
        ? `no one called ${problem.nick} is online`
        : `${problem.nick} has no proven seal key; a private message to them cannot be sealed`;
    case 'NOT_IGNORED':
      return `you are not ignoring ${problem.nick}; /ignore lists whom you ignore`;
    case 'ROOM_INVALID':
      return roomProblem(problem.room);
    case 'NICK_INVALID':
      return nickRuleWords(problem.rule, problem.nick);
    case 'TEXT_INVALID':
      return command === 'topic' ? `a topic is 1 to ${problem.maxBytes} bytes of text` : `a message is 1 to ${problem.maxBytes} bytes of text`;
    case 'CONNECT_FAILED':
      return `${problem.undelivered} line(s) not delivered yet: no relay reachable. They are kept and go out when lanchat next meets a relay.`;
    case 'STORE_FAILED':
      if (problem.what === 'relay') return `the relay on this node could not store ${problem.count} message(s) members sent (they still reach everyone): ${problem.cause}`;
      return problem.what === 'own'
        ? `${problem.count} line(s) could not be stored and were not sent: ${problem.cause}`
        : `${problem.count} message(s) could not be stored: ${problem.cause}`;
    case 'BAD_SIGNATURE': {
      if (problem.what === 'sync') return `refused a sync batch from the relay: ${problem.reason}; nothing of it was stored`;
      const from = problem.origin === undefined ? 'a member' : `node ${problem.origin.slice(0, 16)}`;
      return `refused a message from ${from} (seq ${problem.seq ?? '?'}): ${problem.reason}`;
    }
    case 'BAD_IDENTITY':
      return `the relay at ${problem.host}:${problem.port} does not prove its node id`;
    case 'WRONG_SECRET':
      if (problem.cause === 'maybe-needed') {
        return `the node at ${problem.host}:${problem.port} hung up without answering: it may need a room secret (LANCHAT_SECRET or --secret-file)`;
      }
      return `wrong secret for network "${problem.network}": ${problem.detail ?? `the node at ${problem.host}:${problem.port} has another one`}`;
    case 'BAD_FRAME':
    case 'USAGE':
      return problem.detail;
    case 'SEARCH_INVALID':
      return `a search is 1 to ${problem.maxChars} characters of text`;
    case 'SEARCH_FAILED':
      return `could not search the history: ${problem.cause}`;
  }
}

/** A size in MiB, as the limits table gives it. */
function mebibytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

/**
 * After an own line written while no relay was reachable, until a relay holds it: line mode prints it at
 * the line's end; the full screen draws it dim there and takes it away on delivery.
 */
export const PENDING_MARK = '(pending)';

/** Line mode, once every line it printed as pending has reached a relay (it cannot unprint the marks). */
/** A topic set, as a line of its room (nick and text already made safe by the face). */
export function topicSetText(nick: string, topic: string): string {
  return `${nick} set the topic: ${topic}`;
}

export function deliveredText(count: number): string {
  return count === 1 ? 'your pending line reached the relay' : `your ${count} pending lines reached the relay`;
}

/** The full screen's question after a paste of several lines, as irssi asks it. */
export function pasteQuestion(lines: number, room: string | undefined): string {
  return `Paste ${lines} lines${room === undefined ? '' : ` to ${room}`}? (Ctrl-K to paste, Ctrl-C to abort)`;
}

/** The sentence of a notice event as the session reports it. */
export function noticeSentence(report: NoticeReport): string {
  return noticeText(report.notice);
}

/** The sentence of a problem as the session reports it (an event, or the refusal of `command`). */
export function problemSentence(report: ProblemReport, command?: CommandName): string {
  return problemText(report.problem, command);
}

/**
 * Private conversations differ by face: the full screen gives each a window of its own, where plain lines
 * go to its person; line mode (and the browser, which shows line mode's words) has one stream of lines.
 * `windows`: the face is of the first kind.
 */
export function queryText(nick: string, windows: boolean): string {
  return windows
    ? `private window with ${nick}: what you type here goes to them alone; /close closes it`
    : `private conversation with ${nick}: /msg ${nick} TEXT (or @${nick} TEXT) writes to them`;
}

/** /help's summaries of /query, /close and /me, for a face with a window per conversation or without. */
export function conversationHelp(windows: boolean): { query: string; close: string; me?: string } {
  return windows
    ? {
        query: 'open a private window with NICK (and say TEXT there)',
        close: 'close a private window, or leave a room (the current window by default)',
        me: 'say what you do: "/me waves" shows "* NICK waves" to the room (in a private window: to that person)',
      }
    : {
        query: 'open a private conversation with NICK (and say TEXT to them); their private lines open one too',
        close: 'close a private conversation, or leave a room (the current room by default)',
      };
}

/** A desktop notification's title and body (ui/notify-policy.ts): a line, or a summary of those held. */
export function notificationText(n: Notification): { title: string; body: string } {
  // A private line's text is not handed to notify-send: its arguments can be read in `ps` by every user of
  // the computer while it runs, and the line was sealed so that only its two people read it.
  if (n.kind === 'line') return n.private ? { title: `${n.from} (private)`, body: 'wrote to you privately' } : { title: `${n.from} mentioned you`, body: n.text };
  const who = n.senders.join(', ') + (n.others > 0 ? ` and ${n.others} other${n.others === 1 ? '' : 's'}` : '');
  return { title: 'lanchat', body: `${n.count} more from ${who}` };
}

/** What the file or folder is, as a user knows it. */
function fileName({ what, path }: DataFileProblem): string {
  switch (what) {
    case 'data-folder':
      return `the data folder ${path}`;
    case 'identity':
      return `the identity key ${path}`;
    case 'chain-head':
      return `the chain head ${path}`;
    case 'history-folder':
      return `the history folder ${path}`;
    case 'web-token':
      return `the browser UI's token ${path}`;
  }
}

/** Said of the identity key whenever it is at fault: what losing it means. */
const NEW_IDENTITY =
  'Deleting identity.pem makes the next start a new identity (a new node id: others are told that your nick comes with a new key).';

/**
 * A data folder's file or folder that lanchat cannot use, in words: which it is, what is wrong, and what
 * to do. The same for every way the system refuses (EACCES, EROFS, EISDIR...), and never its code.
 */
export function fileProblemText(p: FileProblem): string {
  if (p.what === 'secret-file') return secretFileText(p);
  const name = fileName(p);
  const folder = p.what === 'data-folder' || p.what === 'history-folder';
  const repair = `\`lanchat repair --data ${p.dataDir}\``;
  const identity = p.what === 'identity' ? ` ${NEW_IDENTITY}` : '';
  switch (p.trouble) {
    case 'missing':
      return `${name} is missing: start lanchat again, which makes it anew (or put back a copy of it, if you have one).${identity}`;
    case 'denied':
      return (
        `lanchat is not allowed to ${p.doing ?? 'read'}${folder && p.doing === 'write' ? ' in' : ''} ${name}: make it yours again ` +
        `(chown, then chmod u+rw${folder ? 'x' : ''}), or start lanchat with another data folder (--data DIR).${identity}`
      );
    case 'read-only':
      return `${name} is on a read-only file system, and lanchat writes in its data folder: start it with a writable one (--data DIR).${identity}`;
    case 'is-a-folder':
      return `${name} is a folder, not a file: move it out of the data folder${p.what === 'identity' ? ', and put back the key file if you have a copy' : ''}.${identity}`;
    case 'not-a-folder':
      return p.what === 'data-folder'
        ? `${name} is a file (or inside one), not a folder: name a folder with --data DIR (it is made if missing), or move the file aside.`
        : `${name} is a file, not a folder: move it out of the data folder.${identity}`;
    case 'full':
      return `the disk holding ${name} is full: make room, then start lanchat again.${identity}`;
    case 'empty':
    case 'garbled':
      return damagedText(p, name, repair);
    case 'failed':
      return `lanchat cannot ${p.doing ?? 'read'} ${name}: the file system refused; check the disk, then start lanchat again.${identity}`;
  }
}

/** `--secret-file FILE` that cannot be read, or holds no secret on its first line. */
function secretFileText(p: NamedFileProblem): string {
  const cannot = `cannot read the secret file ${p.path}`;
  const other = 'name the file that holds the room secret on its first line (--secret-file FILE), or set LANCHAT_SECRET.';
  switch (p.trouble) {
    case 'missing':
      return `${cannot}: it does not exist; ${other}`;
    case 'not-a-folder':
      return `${cannot}: a part of its path is a file, not a folder; ${other}`;
    case 'denied':
      return `${cannot}: permission denied; make it readable to you (chmod u+r), or ${other}`;
    case 'is-a-folder':
      return `${cannot}: it is a folder, not a file; ${other}`;
    case 'empty':
    case 'garbled':
      return `the secret file ${p.path} has nothing on its first line, where the room secret goes; ${other}`;
    case 'read-only':
    case 'full':
    case 'failed':
      return `${cannot}: the file system refused; check the disk, then start lanchat again.`;
  }
}

function damagedText(p: DataFileProblem, name: string, repair: string): string {
  const state = p.trouble === 'empty' ? 'is empty' : p.what === 'identity' ? 'does not hold an Ed25519 private key' : 'is garbled';
  if (p.what === 'identity') {
    return (
      `${name} ${state}. ${repair} moves it aside, and the next start makes a new identity (a new node id: others are ` +
      'told that your nick comes with a new key); or put back a copy of the key, if you have one.'
    );
  }
  if (p.what === 'chain-head') {
    return (
      `${name} ${state}: it says where the numbering of your own messages stands. ${repair} moves it aside, and the ` +
      'numbering goes on from the history; or put back a copy of it, if you have one.'
    );
  }
  return `${name} ${state}. ${repair} keeps a copy of it, then recovers what it can.`;
}

/** What a face says of an error that stops lanchat: the words of its file problem, or its message. */
export function errorText(err: unknown): string {
  if (isLanchatError(err) && err.file !== undefined) return fileProblemText(err.file);
  if (isLanchatError(err) && err.port !== undefined) return portProblemText(err.port);
  return err instanceof Error ? err.message : String(err);
}

/** `--port N` or `--web N` that lanchat cannot listen on: why, and what to choose instead. */
export function portProblemText({ option, port, trouble }: PortProblem): string {
  const any = option === '--web' ? 'or give --web alone for any free port' : 'or leave --port out for any free port';
  switch (trouble) {
    case 'in-use':
      return `port ${port} is in use by another program: choose another with ${option} PORT, ${any}.`;
    case 'denied':
      return `lanchat may not listen on port ${port} (ports below 1024 need privileges): choose one above 1023 with ${option} PORT, ${any}.`;
    case 'failed':
      return `lanchat cannot listen on port ${port}: the system refused; choose another with ${option} PORT, ${any}.`;
  }
}

/** What a browser tab is told when it goes over a limit of the node's web server (src/web/tab.ts). */
export function webLimitText(what: 'rate' | 'older' | 'bad'): string {
  switch (what) {
    case 'rate':
      return 'this tab sends too fast; some of what it sent was dropped';
    case 'older':
      return 'still loading older messages; scroll again in a moment';
    case 'bad':
      return 'the node could not read what this tab sent (reload the page)';
  }
}

/** `lanchat --web`: where the browser UI is, as line mode and the full screen print it before starting. */
export function webUrlText(url: string): string {
  return `lanchat: the browser UI is at ${url} (keep this address to yourself: it lets anyone on this machine chat as you)`;
}

/** `lanchat open`: the little page (web-open.html) that sends the browser on to the address with its token. */
export const OPEN_PAGE_WORDS = {
  title: 'lanchat',
  link: 'Open lanchat in this browser',
} as const;

/** `lanchat open`: what it finds on the data folder. */
export function openText(outcome: { kind: 'none'; dataDir: string } | { kind: 'no-web' } | { kind: 'opening'; url: string } | { kind: 'no-opener'; url: string }): string {
  switch (outcome.kind) {
    case 'none':
      return `no lanchat runs on ${outcome.dataDir}; start one with --web`;
    case 'no-web':
      return 'the lanchat running on this data folder has no browser UI; start it with --web';
    case 'opening':
      return `opening ${outcome.url}`;
    case 'no-opener':
      return `could not start a browser here; open ${outcome.url} yourself`;
  }
}

/** When the next try to reach a relay is: "retrying now" once it is under way (a held notice shown late). */
export function retryWords(ms: number): string {
  if (ms < 50) return 'retrying now';
  return ms < 1000 ? `retrying in ${ms} ms` : `retrying in ${(ms / 1000).toFixed(1)} s`;
}
