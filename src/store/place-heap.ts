import type { DisplayPosition } from './history-store.js';
import { compareOrder } from './display-page.js';

/**
 * Places by display order, the oldest on top: a binary min-heap, so a history read oldest first costs
 * a logarithm per message however many places wait to be shown.
 */
export class PlaceHeap {
  readonly #places: DisplayPosition[] = [];

  get size(): number {
    return this.#places.length;
  }

  peek(): DisplayPosition | undefined {
    return this.#places[0];
  }

  push(place: DisplayPosition): void {
    const places = this.#places;
    let at = places.push(place) - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (compareOrder(places[parent]!, place) <= 0) break;
      places[at] = places[parent]!;
      at = parent;
    }
    places[at] = place;
  }

  pop(): DisplayPosition | undefined {
    const places = this.#places;
    const top = places[0];
    const last = places.pop();
    if (top === undefined || last === undefined || places.length === 0) return top;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= places.length) break;
      const right = left + 1;
      const child = right < places.length && compareOrder(places[right]!, places[left]!) < 0 ? right : left;
      if (compareOrder(last, places[child]!) <= 0) break;
      places[at] = places[child]!;
      at = child;
    }
    places[at] = last;
    return top;
  }
}
