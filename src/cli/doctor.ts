import { safeJson, safeText } from '../chat/safe-text.js';
import { diagnose } from '../discovery/diagnose.js';
import { verdict } from '../discovery/verdict.js';

export interface DoctorOptions {
  network: string;
  json: boolean;
  listenMs: number;
}

/** `lanchat doctor`: what a user runs when nobody shows up. Exit code 0 when all is well, 1 otherwise. */
export async function runDoctor(options: DoctorOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const findings = await diagnose(options.network, options.listenMs);
  const result = verdict(findings);
  if (options.json) {
    out.write(`${safeJson({ event: 'doctor', ...findings, verdict: result })}\n`);
    return result.cause === 'OK' ? 0 : 1;
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
  if (findings.nodes.length === 0) {
    lines.push('lanchat nodes seen: none');
  } else {
    lines.push('lanchat nodes seen:');
    for (const node of findings.nodes) {
      const port = findings.relayPorts[node.nodeId];
      const portText = port === undefined ? '' : port === 'open' ? '  (port answers)' : `  (port: ${port})`;
      lines.push(
        `  ${node.nick.padEnd(16)} ${node.role.padEnd(8)} network "${node.network}"  ${node.addresses[0] ?? '?'}:${node.port}${portText}`,
      );
    }
  }
  lines.push(`verdict: ${result.text}`);
  // Nicks and networks come from any host's mDNS advert: made safe to show, line by line.
  out.write(`${lines.map(safeText).join('\n')}\n`);
  return result.cause === 'OK' ? 0 : 1;
}
