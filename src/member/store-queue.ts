/**
 * The member's store work in one line: own lines and received messages are stored, and then shown and
 * sent, in the order their batches were taken, whichever of the two they are.
 */
export class StoreQueue {
  #tail: Promise<void> = Promise.resolve();

  run(task: () => Promise<void>): void {
    this.#tail = this.#tail.then(task);
  }

  /** Resolves once the work queued so far is done. */
  idle(): Promise<void> {
    return this.#tail;
  }
}
