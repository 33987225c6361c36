import { emitKeypressEvents } from 'node:readline';
import { nextExpiry } from '../../chat/typing.js';
import type { ChatSession } from '../../session/chat-session.js';
import { ChatController } from '../controller.js';
import { parseInput } from '../input.js';
import { complete, type CompletionCycle, completionSources } from './completion.js';
import * as edit from './editor.js';
import { EMPTY_LINE, type EditLine, InputHistory } from './editor.js';
import { hyperlinksWanted } from '../hyperlink.js';
import { pasteQuestion } from '../words.js';
import { ENTER_SCREEN, type Frame, frameUpdate, LEAVE_SCREEN, PASTE_OFF, PASTE_ON } from './frame.js';
import { PasteGate } from './paste.js';
import { keyAction, type KeyPress, TUI_KEYS } from './keys.js';
import { CHROME_ROWS, entryRows, layoutScreen, type Screen } from './layout.js';
import { ChatState, NO_ROOM, RELAY_CHANGE_SHOWN_MS, type SessionSnapshot } from './state.js';
import { Painter } from './view.js';
import { findNotifySend, FOCUS_REPORTS_OFF, FOCUS_REPORTS_ON, focusReport, Notifier } from '../notifier.js';
import { typingTarget } from './private-windows.js';

/** At most one frame per this many ms: a flood of messages is drawn in batches, not line by line. */
export const FRAME_MS = 25;
/** Messages asked of the store at a time when scrolling back past what is held. */
export const OLDER_BATCH = 100;
/** Stored lines of each other room loaded at start, and of a private window when it opens (its unread count since its marker is counted in them). */
export const RESTORED_LINES = 50;

export interface TuiOptions {
  frameMs?: number;
  /** Called after every frame written, with how long layout and painting took (for tests and measurements). */
  onFrame?: (info: { ms: number; rows: string[] }) => void;
  /** Colours on the screen (default: unless NO_COLOR is set). */
  color?: boolean;
  /** Desktop notifications (issue 17 item 9): off with --no-notify; --highlight words count as mentions. */
  notify?: { enabled: boolean; highlights: readonly string[] };
  /** URLs as OSC 8 hyperlinks (default: ui/hyperlink.ts hyperlinksWanted, from the environment). */
  links?: boolean;
}

export function snapshotOf(session: ChatSession): SessionSnapshot {
  return {
    nick: session.nick,
    network: session.network,
    secret: session.secret,
    rooms: session.rooms,
    currentRoom: session.currentRoom,
    people: session.people().map((p) => p.nick),
    role: session.role,
    relay: session.relay,
    away: session.away !== undefined,
    awayPeople: session.people().filter((p) => p.away !== undefined).map((p) => p.nick),
    conversations: session.conversations,
  };
}

/**
 * The full-screen UI: the alternate screen, the keyboard in raw mode, session events into the model, and
 * frames painted at most every FRAME_MS. Resolves when the user quits (/quit, Ctrl-D on an empty line,
 * Ctrl-C) with the terminal restored; the caller stops the session.
 */
export function runTui(session: ChatSession, input: NodeJS.ReadStream, output: NodeJS.WriteStream, options: TuiOptions = {}): Promise<void> {
  const frameMs = options.frameMs ?? FRAME_MS;
  const size = (): { columns: number; rows: number } => ({ columns: Math.max(10, output.columns || 80), rows: Math.max(CHROME_ROWS + 1, output.rows || 24) });
  const state = new ChatState(snapshotOf(session), {
    rowsOf: (entry) => entryRows(entry, size().columns).length,
    lastRead: (window) => session.lastRead(window),
  });
  /** Its user leaves the current window: how far they read it is kept (read markers survive restarts). */
  const markLeft = (): void => {
    const read = state.leave();
    if (read !== undefined) session.markRead(read.window, read.ts);
  };
  // https://no-color.org: set and not empty, no colour.
  const painter = new Painter({ color: options.color ?? !process.env.NO_COLOR, links: options.links ?? hyperlinksWanted(process.env, output.isTTY === true) });
  const paste = new PasteGate();
  const history = new InputHistory();
  for (const earlier of session.inputHistory?.lines ?? []) history.add(earlier);
  let line: EditLine = EMPTY_LINE;
  let cycle: CompletionCycle | undefined;
  let shown: Frame | undefined;
  let screen: Screen | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastFrame = 0;
  let bell = false;
  let done = false;

  /** Conversations whose window was filled from the store (by nick, in lower case). */
  const filled = new Set<string>();
  const sync = (): void => {
    state.sync(snapshotOf(session));
    // A private window that appears (kept from the last run, opened by /query or by a line) shows its
    // stored lines with that person, as a room's window does.
    for (const nick of session.conversations) {
      if (filled.has(nick.toLowerCase())) continue;
      filled.add(nick.toLowerCase());
      session
        .privateHistory(nick, RESTORED_LINES)
        .then((page) => state.restore(nick, page.messages))
        .catch(() => undefined)
        .finally(schedule);
    }
    for (const key of filled) if (!session.conversations.some((n) => n.toLowerCase() === key)) filled.delete(key); // closed: reopened, filled again
  };
  const schedule = (): void => {
    if (timer !== undefined || done) return;
    timer = setTimeout(draw, Math.max(0, frameMs - (Date.now() - lastFrame)));
  };
  const draw = (): void => {
    timer = undefined;
    if (done) return;
    const started = performance.now();
    const { columns, rows } = size();
    const asking = paste.asking;
    screen = layoutScreen(state, line, columns, rows, Date.now(), asking === undefined ? undefined : pasteQuestion(asking, session.currentRoom));
    const painted = painter.paint(screen);
    const frame = { lines: painted, cursor: screen.cursor };
    const update = frameUpdate(shown, frame);
    shown = frame;
    lastFrame = Date.now();
    if (update !== '') output.write(update);
    if (bell) output.write('\x07');
    bell = false;
    options.onFrame?.({ ms: performance.now() - started, rows: painted });
    if (screen.atTop) loadOlder();
  };
  const loadOlder = (): void => {
    const want = state.wantOlder();
    if (want === undefined) return;
    session
      .older(want.room, OLDER_BATCH, want.before)
      .then((views) => state.addOlder(want.room, views))
      .catch(() => state.olderFailed(want.room))
      .finally(schedule);
  };

  const notifier = new Notifier({
    enabled: options.notify?.enabled ?? true,
    highlights: options.notify?.highlights ?? [],
    notifySend: findNotifySend(),
    bell: () => {
      bell = true;
      schedule();
    },
  });
  const controller = new ChatController(session, (event) => {
    sync();
    if (event.event === 'message') notifier.message(event, session.nick);
    if (event.event === 'query') {
      // The window of the conversation just opened is shown.
      markLeft();
      state.focus(event.nick);
    }
    state.apply(event); // a line worth the bell rings it through the notifier (at most every 5 s, not while focused)
    schedule();
    // "bob is typing…" goes from the status bar when it expires: a frame then.
    const expiry = event.event === 'typing' ? nextExpiry(state.typers, Date.now()) : undefined;
    if (expiry !== undefined) setTimeout(schedule, expiry - Date.now() + 1).unref();
    // A relay change stands in the title for a while: repaint when it says "connected" again.
    if (event.event === 'role') setTimeout(schedule, RELAY_CHANGE_SHOWN_MS).unref();
  }, {
    keys: TUI_KEYS,
    windows: true,
    history: (room, messages) => {
      sync();
      state.showHistory(room, messages);
      schedule();
    },
  });

  return new Promise((resolve) => {
    const clockTimer = setInterval(schedule, 10_000);
    clockTimer.unref();
    const restore = (): void => {
      if (input.isTTY) input.setRawMode(false);
      output.write(FOCUS_REPORTS_OFF + PASTE_OFF + LEAVE_SCREEN);
    };
    const finish = (): void => {
      if (done) return;
      done = true;
      controller.close(); // nothing is drawn any more: the session's last events are not this screen's
      clearTimeout(timer);
      clearInterval(clockTimer);
      markLeft(); // the session keeps it: the next start shows what came since
      notifier.close();
      input.off('keypress', onKey);
      output.off('resize', onResize);
      process.off('exit', restore);
      restore();
      input.pause();
      resolve();
    };
    const onResize = (): void => {
      shown = undefined; // a resized terminal keeps nothing we drew where we drew it
      schedule();
    };
    const switchTo = (index: number): void => {
      const target = state.order[index];
      if (target === undefined || target === state.current || target.name === NO_ROOM) return;
      markLeft();
      if (target.private === true) state.focus(target.name);
      else {
        state.focus(undefined);
        controller.run({ kind: 'join', room: target.name });
      }
      sync();
    };
    /** Sends lines as typed, one after another; false once one of them quits. */
    const submit = (lines: readonly string[]): boolean => {
      for (const text of lines) {
        const kind = parseInput(text).kind;
        // Saying something brings the window back to its newest lines, as irssi does.
        if (kind === 'say' || kind === 'msg') state.current.scroll = 0;
        // In a private window a plain line goes to its person, and /close closes it.
        if (!controller.handleLine(text, state.currentPrivate)) {
          finish();
          return false;
        }
      }
      sync();
      return true;
    };
    const onKey = (ch: string | undefined, key: KeyPress | undefined): void => {
      const focused = focusReport(key?.sequence);
      if (focused !== undefined) {
        notifier.focus(focused);
        return;
      }
      const pasted = paste.key(ch, key, line);
      switch (pasted.kind) {
        case 'pass':
          break;
        case 'insert':
          line = edit.insert(line, pasted.text);
          schedule();
          return;
        case 'send':
          line = EMPTY_LINE;
          if (submit(pasted.lines)) schedule();
          return;
        default:
          schedule();
          return;
      }
      const action = keyAction(ch, key);
      if (action.kind !== 'complete') cycle = undefined;
      const pane = Math.max(1, size().rows - CHROME_ROWS);
      switch (action.kind) {
        case 'insert':
          line = edit.insert(line, action.text);
          // A line to say (not a command) tells the others this user is typing (debounced by the session).
          if (!/^\/(?!\/)/.test(line.text)) session.typing(typingTarget(line.text, state.currentPrivate));
          break;
        case 'left':
        case 'right':
        case 'home':
        case 'end':
        case 'backspace':
          line = edit[action.kind](line);
          break;
        case 'delete':
          line = edit.deleteForward(line);
          break;
        case 'killToStart':
          line = edit.killToStart(line);
          break;
        case 'killToEnd':
          line = edit.killToEnd(line);
          break;
        case 'killWordBack':
          line = edit.killWordBack(line);
          break;
        case 'historyUp': {
          const older = history.up(line.text);
          if (older !== undefined) line = edit.end({ text: older, cursor: 0 });
          break;
        }
        case 'historyDown': {
          const newer = history.down();
          if (newer !== undefined) line = edit.end({ text: newer, cursor: 0 });
          break;
        }
        case 'complete': {
          const result = complete(line.text, line.cursor, completionSources(session), cycle);
          line = { text: result.text, cursor: result.cursor };
          cycle = result.cycle;
          break;
        }
        case 'pageUp':
          state.scrollBy(pane - 1, screen?.maxScroll ?? 0);
          break;
        case 'pageDown':
          state.scrollBy(-(pane - 1), screen?.maxScroll ?? 0);
          break;
        case 'window':
          switchTo(action.number - 1);
          break;
        case 'nextWindow':
        case 'previousWindow': {
          const order = state.order;
          const at = order.indexOf(state.current);
          switchTo((at + (action.kind === 'nextWindow' ? 1 : order.length - 1)) % order.length);
          break;
        }
        case 'redraw':
          shown = undefined;
          break;
        case 'eof':
          if (line.text === '') {
            finish();
            return;
          }
          line = edit.deleteForward(line);
          break;
        case 'interrupt':
          finish();
          return;
        case 'submit': {
          const text = line.text;
          line = EMPTY_LINE;
          history.add(text);
          session.inputHistory?.add(text);
          if (!submit([text])) return;
          break;
        }
        case 'ignore':
          return;
      }
      schedule();
    };

    process.on('exit', restore); // a signal's process.exit must not leave the terminal raw
    output.write(ENTER_SCREEN + PASTE_ON + FOCUS_REPORTS_ON);
    emitKeypressEvents(input);
    if (input.isTTY) input.setRawMode(true);
    input.on('keypress', onKey);
    input.resume();
    output.on('resize', onResize);
    session.run();
    sync();
    // The other rooms' recent lines, so their unread counts since the last look survive a restart.
    for (const room of session.rooms) {
      if (room === session.currentRoom) continue;
      session
        .history(room, RESTORED_LINES)
        .then((views) => state.restore(room, views))
        .catch(() => undefined)
        .finally(schedule);
    }
    schedule();
  });
}

/** "@bob hi" is typed to bob alone; anything else to the current room. */
