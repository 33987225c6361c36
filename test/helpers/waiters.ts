/**
 * Waiting on something that arrives as events (lines, frames): `check` runs now and again after every
 * `notify()`, until it returns a value, throws, or the timeout passes. No polling, no sleeps.
 */
export class Waiters {
  readonly #checks = new Set<() => void>();

  notify(): void {
    for (const check of this.#checks) check();
  }

  until<T>(find: () => T | undefined, timeoutMs: number, timeoutMessage: () => string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        try {
          const found = find();
          if (found === undefined) return;
          done();
          resolve(found);
        } catch (err) {
          done();
          reject(err as Error);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(timeoutMessage()));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#checks.delete(check);
      };
      this.#checks.add(check);
      check();
    });
  }
}
