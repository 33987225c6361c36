/**
 * Line mode's own lines printed as pending (written while no relay was reachable). A printed line cannot
 * be changed, so line mode says once, when the last of them has reached a relay, how many did. Pure.
 */
export class PendingLines {
  readonly #ids = new Set<string>();
  #delivered = 0;

  /** A line printed with the pending mark. */
  shown(id: string): void {
    this.#ids.add(id);
  }

  /** A `delivered` event: how many were delivered once none is pending any more, else undefined. */
  delivered(id: string): number | undefined {
    if (!this.#ids.delete(id)) return undefined;
    this.#delivered++;
    if (this.#ids.size > 0) return undefined;
    const count = this.#delivered;
    this.#delivered = 0;
    return count;
  }
}
