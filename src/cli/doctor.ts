import { safeJson, safeText } from '../chat/safe-text.js';
import type { Advert } from '../discovery/advert.js';
import { diagnose } from '../discovery/diagnose.js';
import { advertFit } from '../discovery/groups.js';
import { type Findings, verdict } from '../discovery/verdict.js';
import { verdictText } from '../ui/doctor-words.js';

export interface DoctorOptions {
  network: string;
  json: boolean;
  listenMs: number;
  /** The room secret's passphrase, to tell this group's nodes from those of another secret. */
  secret?: string | undefined;
}

/**
 * `lanchat doctor`: what a user runs when nobody shows up. Exit code 0 when all is well (another node
 * than this machine's own is seen, one relay serves the network and its port answers), 1 otherwise.
 */
export async function runDoctor(options: DoctorOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const findings = await diagnose(options.network, options.listenMs, options.secret);
  const judged = verdict(findings);
  const result = { cause: judged.cause, text: verdictText(judged) };
  const status = result.cause === 'OK' ? 0 : 1;
  if (options.json) {
    out.write(`${safeJson({ event: 'doctor', ...findings, verdict: result })}\n`);
    return status;
  }
  const lines: string[] = [];
  const interfaces = Object.entries(findings.interfaces);
  lines.push(
    interfaces.length === 0
      ? 'interfaces: none up (loopback only)'
      : `interfaces: ${interfaces.map(([name, addresses]) => `${name} ${addresses.join(' ')}`).join('; ')}`,
  );
  lines.push(
    findings.sendErrors.length > 0
      ? `mDNS: queries could not be sent (${[...new Set(findings.sendErrors)].join(', ')})`
      : `mDNS: queries sent; ${findings.answersHeard} answer(s) heard in ${options.listenMs} ms`,
  );
  lines.push(findings.secretTag === undefined ? 'room secret: none given (an open network)' : 'room secret: given');
  if (findings.nodes.length === 0) {
    lines.push('lanchat nodes seen: none');
  } else {
    lines.push('lanchat nodes seen:');
    for (const node of findings.nodes) lines.push(nodeLine(node, findings));
  }
  lines.push(`verdict: ${result.text}`);
  // Nicks and networks come from any host's mDNS advert: made safe to show, line by line.
  out.write(`${lines.map(safeText).join('\n')}\n`);
  return status;
}

function nodeLine(node: Advert, findings: Findings): string {
  const port = findings.relayPorts[node.nodeId];
  const portText = port === undefined ? '' : port === 'open' ? '  (port answers)' : `  (port: ${port})`;
  const here = findings.here?.includes(node.nodeId) ? '  (this machine)' : '';
  const fit = advertFit(node, { network: findings.network, secretTag: findings.secretTag });
  const secret =
    fit !== 'other-secret'
      ? ''
      : node.secretTag === undefined
        ? '  (no room secret)'
        : findings.secretTag === undefined
          ? '  (a room secret)'
          : '  (another room secret)';
  return `  ${node.nick.padEnd(16)} ${node.role.padEnd(8)} network "${node.network}"  ${node.addresses[0] ?? '?'}:${node.port}${portText}${secret}${here}`;
}
