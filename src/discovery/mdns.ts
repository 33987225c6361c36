import { EventEmitter } from 'node:events';
import { Bonjour, type Browser, type Service } from 'bonjour-service';
import { type Advert, advertFromService, advertToTxt, instanceName, SERVICE_TYPE } from './advert.js';
import { advertFit } from './groups.js';

interface DiscoveryEvents {
  /** A node of this network announced itself, or changed its announcement. */
  seen: [advert: Advert];
  /** A node said goodbye. A hint only: a crashed node never says it. */
  gone: [nodeId: string];
  /** mDNS itself failed (no multicast route, socket error): discovery may see nothing. */
  trouble: [message: string];
  /** A node of this network with another room secret (or none where this node has one): not a peer. */
  otherSecret: [advert: Advert];
}

/**
 * DNS-SD over mDNS (bonjour-service): advertises this node as `_lanchat._tcp` and browses for the
 * others of its network. Names are unique per node, so the library's name-conflict probing (most of a
 * second) is turned off. Liveness is not judged here: that is TCP's job.
 */
export class Discovery extends EventEmitter<DiscoveryEvents> {
  readonly #network: string;
  readonly #peers = new Map<string, Advert>();
  /** fqdn → node id, to know who a goodbye is from. */
  readonly #names = new Map<string, string>();
  #bonjour: Bonjour | undefined;
  #browser: Browser | undefined;
  #service: Service | undefined;
  #advert: Advert | undefined;
  #republishing: Promise<void> = Promise.resolve();
  #stopped = false;

  /** Adverts of nodes with another room secret, or none where this node has one, are not of this network. */
  readonly #secretTag: string | undefined;

  constructor(network: string, secretTag?: string) {
    super();
    this.#network = network;
    this.#secretTag = secretTag;
  }

  /** The other nodes of this network seen so far (never this node itself). */
  peers(): Advert[] {
    return [...this.#peers.values()];
  }

  start(advert: Advert): void {
    if (this.#bonjour !== undefined || this.#stopped) return;
    this.#advert = advert;
    this.#bonjour = new Bonjour({}, (err: Error) => this.emit('trouble', err.message));
    this.#publish(advert);
    const browser = this.#bonjour.find({ type: SERVICE_TYPE });
    browser.on('up', (service) => this.#onService(service));
    browser.on('txt-update', (service) => this.#onService(service));
    browser.on('srv-update', (service) => this.#onService(service));
    browser.on('down', (service) => this.#onGoodbye(service));
    this.#browser = browser;
  }

  /** Announces a changed advert (role, epoch...). Republishing is the only way bonjour-service offers. */
  update(advert: Advert): Promise<void> {
    const previous = this.#advert;
    this.#advert = advert;
    if (previous !== undefined && sameAnnouncement(previous, advert)) return this.#republishing;
    this.#republishing = this.#republishing.then(
      () =>
        new Promise<void>((resolve) => {
          const service = this.#service;
          if (this.#stopped || service === undefined) return resolve();
          service.stop(() => {
            if (!this.#stopped && this.#advert !== undefined) this.#publish(this.#advert);
            resolve();
          });
        }),
    );
    return this.#republishing;
  }

  /** Asks the network who is there; answers arrive as 'seen' events for what changed. */
  query(): void {
    this.#browser?.update();
  }

  /** Says goodbye (so peers drop this node at once) and closes the mDNS socket. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#republishing;
    const bonjour = this.#bonjour;
    if (bonjour === undefined) return;
    this.#browser?.stop();
    await new Promise<void>((resolve) => bonjour.unpublishAll(() => resolve()));
    await new Promise<void>((resolve) => bonjour.destroy(() => resolve()));
  }

  #publish(advert: Advert): void {
    this.#service = this.#bonjour!.publish({
      name: instanceName(advert.nick, advert.nodeId),
      type: SERVICE_TYPE,
      port: advert.port,
      // Namespaces and containers share a host name: a per-node host keeps the A records apart.
      host: `lanchat-${advert.nodeId.slice(0, 12)}.local`,
      txt: advertToTxt(advert),
      probe: false,
      disableIPv6: true,
    });
  }

  #onService(service: Service): void {
    const advert = advertFromService(service);
    if (advert === undefined) return;
    const fit = advertFit(advert, { network: this.#network, secretTag: this.#secretTag, nodeId: this.#advert?.nodeId });
    if (fit === 'other-secret') this.emit('otherSecret', advert);
    if (fit !== 'peer') return;
    this.#names.set(service.fqdn, advert.nodeId);
    this.#peers.set(advert.nodeId, advert);
    this.emit('seen', advert);
  }

  #onGoodbye(service: Service): void {
    const nodeId = this.#names.get(service.fqdn);
    if (nodeId === undefined) return;
    this.#names.delete(service.fqdn);
    this.#peers.delete(nodeId);
    this.emit('gone', nodeId);
  }
}

function sameAnnouncement(a: Advert, b: Advert): boolean {
  return JSON.stringify(advertToTxt(a)) === JSON.stringify(advertToTxt(b)) && a.port === b.port;
}
