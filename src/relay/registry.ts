import { nickKey } from '../chat/names.js';

/** What the registry reads and keeps up to date of a session. */
export interface Registered {
  readonly nodeIdHex: string;
  nick: string;
  readonly rooms: Set<string>;
}

/**
 * Who is where: the open sessions by node id, by nick (case-insensitively, see nickKey) and by room.
 * It checks nothing (admission and the handlers do); it keeps the three indexes in step. A room's member
 * set lives as long as the room has members: the fan-out tells two runs apart by that set's identity.
 */
export class Registry<S extends Registered> {
  readonly #byId = new Map<string, S>();
  readonly #byNick = new Map<string, S>();
  readonly #rooms = new Map<string, Set<S>>();

  /** In the order they registered; what a broadcast walks. */
  get byId(): ReadonlyMap<string, S> {
    return this.#byId;
  }

  /** By nickKey of their nick. */
  get byNick(): ReadonlyMap<string, S> {
    return this.#byNick;
  }

  get size(): number {
    return this.#byId.size;
  }

  values(): IterableIterator<S> {
    return this.#byId.values();
  }

  /** The sessions in `room` (a normalized name), or undefined when nobody is. */
  room(room: string): ReadonlySet<S> | undefined {
    return this.#rooms.get(room);
  }

  /** Whether `session` is the one registered for its node id (not one it replaced, not one gone). */
  has(session: S): boolean {
    return this.#byId.get(session.nodeIdHex) === session;
  }

  /** Adds a session under its node id and nick, to each of its rooms. */
  register(session: S): void {
    this.#byId.set(session.nodeIdHex, session);
    this.#byNick.set(nickKey(session.nick), session);
    for (const room of session.rooms) this.#members(room).add(session);
  }

  /**
   * Removes a session from every index and takes it out of its rooms, which leaves its `rooms` empty.
   * False when it was not registered (already removed, or replaced by a newer one of its node).
   */
  unregister(session: S): boolean {
    if (!this.has(session)) return false;
    this.#byId.delete(session.nodeIdHex);
    if (this.#byNick.get(nickKey(session.nick)) === session) this.#byNick.delete(nickKey(session.nick));
    for (const room of session.rooms) this.part(session, room);
    return true;
  }

  rename(session: S, nick: string): void {
    this.#byNick.delete(nickKey(session.nick));
    session.nick = nick;
    this.#byNick.set(nickKey(nick), session);
  }

  join(session: S, room: string): void {
    session.rooms.add(room);
    this.#members(room).add(session);
  }

  part(session: S, room: string): void {
    session.rooms.delete(room);
    const members = this.#rooms.get(room);
    members?.delete(session);
    if (members?.size === 0) this.#rooms.delete(room);
  }

  #members(room: string): Set<S> {
    let members = this.#rooms.get(room);
    if (members === undefined) {
      members = new Set();
      this.#rooms.set(room, members);
    }
    return members;
  }
}
