import type { Notice } from '../chat/views.js';

/**
 * TEMPORARY: today's English sentence for each notice, so the node keeps emitting `text` beside the data
 * while the faces (src/ui/) learn to word notices themselves. Byte for byte the sentences of before the
 * split (tests and scripts read them); deleted once ui/ words the codes.
 */
export function legacyNoticeText(notice: Notice): string {
  switch (notice.code) {
    case 'OPEN':
      return 'the network is open: anyone on this LAN can read it (for a room secret: LANCHAT_SECRET or --secret-file)';
    case 'SECRET':
      return 'the network has a room secret: only those who know it can read or write';
    case 'LOOKING':
      return 'looking for peers…';
    case 'RELAY_LOST':
      return `lost the relay ${notice.relay} (${notice.reason}); electing another…`;
    case 'HANDING_OVER':
      return `another relay outranks this one; handing over to ${notice.host}:${notice.port}`;
    case 'TWO_FORCED': {
      const keeper = notice.keeper === 'other' ? `the node at ${notice.host}` : 'this node';
      return `another node was started with --host; ${keeper} keeps the relay (the lower node id)`;
    }
    case 'MDNS_TROUBLE':
      return notice.detail;
    case 'NICK_KEY_CHANGED':
      return (
        `warning: ${notice.nick} now comes with another key (node ${notice.nodeId.slice(0, 8)}, before: ${notice.pinned.slice(0, 8)}); ` +
        'it may be someone else using that nick' +
        // Without a secret no node id is proven: a node could also claim the pinned one.
        (notice.proven ? '' : ' (on an open network node ids are not proven either)')
      );
    case 'CAUGHT_UP': {
      const shown = notice.shown < notice.count ? ` (the last ${notice.shown} below; /history for more)` : '';
      const plural = notice.count === 1 ? '' : 's';
      return `${notice.count} message${plural} ${notice.away ? 'while you were away' : 'arrived at once'}${shown}`;
    }
  }
}

/** The notice as the node emits it for now: its data, and today's sentence. */
export function withLegacyText<N extends Notice>(notice: N): N & { text: string } {
  return { ...notice, text: legacyNoticeText(notice) };
}
