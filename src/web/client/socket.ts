import type { ClientMessage, ServerMessage } from '../protocol.js';

/**
 * The tab's one WebSocket to the node, reconnecting by itself (0.5 s doubling to 5 s): each connect brings
 * a snapshot, which the page merges with what it holds (nothing shown twice: lines are kept by id).
 */
export class NodeSocket {
  #ws: WebSocket | undefined;
  #delay = 500;
  #stopped = false;

  constructor(
    readonly url: string,
    readonly onMessage: (message: ServerMessage) => void,
    readonly onState: (open: boolean) => void,
  ) {
    this.#open();
  }

  #open(): void {
    const ws = new WebSocket(this.url);
    this.#ws = ws;
    ws.addEventListener('open', () => {
      this.#delay = 500;
      this.onState(true);
    });
    ws.addEventListener('message', (e: MessageEvent) => {
      if (typeof e.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(e.data) as ServerMessage;
      } catch {
        return;
      }
      this.onMessage(message);
    });
    ws.addEventListener('close', () => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.onState(false);
      if (this.#stopped) return;
      setTimeout(() => this.#open(), this.#delay);
      this.#delay = Math.min(5_000, this.#delay * 2);
    });
  }

  send(message: ClientMessage): boolean {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(message));
    return true;
  }

  stop(): void {
    this.#stopped = true;
    this.#ws?.close();
  }
}
