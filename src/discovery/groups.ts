import type { Advert } from './advert.js';

/**
 * Where an advert stands for one node: its own, of another network (each network has its own relay, by
 * choice), of another room secret on this network (another group, or an open node where this one has a
 * secret, or a node with a secret where this one has none), or a peer of its own group.
 */
export type AdvertFit = 'self' | 'other-network' | 'other-secret' | 'peer';

/** What a node is, as adverts are judged against it. */
export interface OwnGroup {
  /** Undefined where there is no node of one's own (`lanchat doctor`). */
  nodeId?: string | undefined;
  network: string;
  /** The tag of the room secret (net/secret.ts); undefined on an open network. */
  secretTag?: string | undefined;
}

export function advertFit(advert: Pick<Advert, 'nodeId' | 'network' | 'secretTag'>, own: OwnGroup): AdvertFit {
  if (own.nodeId !== undefined && advert.nodeId === own.nodeId) return 'self';
  if (advert.network !== own.network) return 'other-network';
  return advert.secretTag === own.secretTag ? 'peer' : 'other-secret';
}

/**
 * The distinct nodes seen on this network with another room secret (or none where this node has one), to
 * say so once, and again only when there are more. Node ids come from any host's advert: at most `max`
 * are kept, so a flood of made-up ones holds little memory and makes at most `max` announcements.
 */
export class OtherSecrets {
  readonly #seen = new Set<string>();
  readonly #max: number;
  #said = 0;

  constructor(max: number) {
    this.#max = max;
  }

  see(nodeId: string): void {
    if (this.#seen.size < this.#max) this.#seen.add(nodeId);
  }

  get count(): number {
    return this.#seen.size;
  }

  /** The count, when it grew since it was last told (and it is now told); undefined otherwise. */
  news(): number | undefined {
    if (this.#seen.size <= this.#said) return undefined;
    this.#said = this.#seen.size;
    return this.#said;
  }
}
