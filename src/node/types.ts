import type { Notice as NoticeData, TopicView, TypingView, WhoisView } from '../chat/views.js';
import type { Role } from '../election/decide.js';
import type { Limits } from '../wire/limits.js';
import type { MessageView, PresenceView, Problem, RelayAddress, RelayInfo } from '../member/member.js';

export type { Role };

export interface NodeOptions {
  nick: string;
  network: string;
  dataDir: string;
  /** Take the relay role, unseating a relay that was not started with --host. */
  host: boolean;
  /** Join the relay (or any node, which points at its relay) at this address (--connect). */
  connect?: RelayAddress;
  /** TCP port to listen on; 0 for any free one. */
  port: number;
  /** Find the others with mDNS and elect a relay. Off: --host, --connect, or a lone relay. */
  discovery: boolean;
  rooms?: string[];
  heartbeatMs?: number;
  /** How long a starting node listens for a relay before electing one. */
  discoveryWindowMs?: number;
  /** Over DEFAULT_LIMITS (wire/limits.ts), merged once at start and handed to the listener, relay and member. */
  limits?: Partial<Limits>;
  /** The room secret's passphrase (LANCHAT_SECRET or --secret-file): every link is TLS with its PSK. */
  secret?: string;
}

export interface NodeEvents {
  ready: [info: { node: string; nick: string; port: number; secret: boolean }];
  role: [info: { role: Exclude<Role, 'electing'>; relay: RelayInfo }];
  connection: [info: { state: 'connected' } | { state: 'disconnected'; reason: string; retryInMs: number }];
  message: [message: MessageView];
  /** An own line shown `pending` (written while no relay was reachable) is held by a relay now. */
  delivered: [id: string];
  presence: [presence: PresenceView];
  problem: [problem: Problem];
  /** Things the user should know that are neither chat nor errors: data only; the faces word them. */
  notice: [notice: NoticeData];
  // ---- conversation (issue 17) ----
  topic: [topic: TopicView];
  typing: [typing: TypingView];
  whois: [whois: WhoisView];
}
