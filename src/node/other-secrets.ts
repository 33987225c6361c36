import type { Notice } from '../chat/views.js';
import { OtherSecrets } from '../discovery/groups.js';
import type { Discovery } from '../discovery/mdns.js';
import { OncePerTurn } from '../util/turn-batch.js';

/**
 * Tells the user about nodes of this network with another room secret (or none, or one where this node
 * has none): once, and again only when more are seen. The adverts of one mDNS answer make one notice.
 */
export function watchOtherSecrets(discovery: Discovery, { max, secret }: { max: number; secret: boolean }, notice: (n: Notice) => void): void {
  const others = new OtherSecrets(max);
  const tell = new OncePerTurn(() => {
    const nodes = others.news();
    if (nodes !== undefined) notice({ code: 'OTHER_SECRET', nodes, secret });
  });
  discovery.on('otherSecret', (advert) => {
    others.see(advert.nodeId);
    tell.request();
  });
}
