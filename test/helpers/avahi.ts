import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BROWSE_SCRIPT = fileURLToPath(new URL('../../scripts/avahi-browse-in-ns.sh', import.meta.url));

/** The script bounds itself to about a minute; this is only a backstop (SIGTERM: it cleans up). */
const BROWSE_TIMEOUT_MS = 75_000;

/** Why Avahi cannot be run in a namespace here (missing tools), or undefined when it can. */
export function avahiUnavailable(): string | undefined {
  const check = spawnSync('bash', [BROWSE_SCRIPT, '--check'], { encoding: 'utf8' });
  if (check.status === 0) return undefined;
  return `missing ${check.stdout.trim() || check.stderr.trim() || 'tools'} (apt-get install avahi-daemon avahi-utils dbus; .ci/run does)`;
}

/** Like lanTestsRunnable: an error in CI, where the tools must be there; a loud skip elsewhere. */
export function avahiTestsRunnable(): boolean {
  const why = avahiUnavailable();
  if (why === undefined) return true;
  if (process.env.CI) throw new Error(`Avahi interoperability tests cannot run in CI: ${why}`);
  console.warn(`\n*** SKIPPING the Avahi interoperability tests: ${why} ***\n`);
  return false;
}

/** One resolved line of `avahi-browse -rp` (`=;eth0;IPv4;NAME;TYPE;DOMAIN;HOST;ADDRESS;PORT;TXT`). */
export interface AvahiService {
  interface: string;
  protocol: string;
  name: string;
  type: string;
  domain: string;
  host: string;
  address: string;
  port: number;
  /** TXT strings, unquoted ("k=v"). */
  txt: string[];
  line: string;
}

export function parseResolved(output: string): AvahiService[] {
  const services: AvahiService[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('=;')) continue;
    const fields = line.split(';');
    if (fields.length < 10) continue;
    const [, iface, protocol, name, type, domain, host, address, port] = fields as string[];
    const txtText = fields.slice(9).join(';');
    const txt = [...txtText.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
    services.push({
      interface: iface!,
      protocol: protocol!,
      name: name!,
      type: type!,
      domain: domain!,
      host: host!,
      address: address!,
      port: Number(port),
      txt,
      line,
    });
  }
  return services;
}

/**
 * Runs Avahi (its own dbus-daemon and avahi-daemon, gone when this resolves) in network namespace `netns`
 * and resolves `type` there, browsing again until a resolved line contains every string in `match`.
 * `log` is the script's stderr (how many browses it took); it rejects with the daemons' logs when it finds
 * none.
 */
export function avahiBrowse(netns: string, type: string, match: string[] = []): Promise<{ output: string; resolved: AvahiService[]; log: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [BROWSE_SCRIPT, netns, type, ...match],
      { timeout: BROWSE_TIMEOUT_MS, killSignal: 'SIGTERM', encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`avahi browse in ${netns} failed (${err.message.split('\n')[0]})\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          return;
        }
        resolve({ output: stdout, resolved: parseResolved(stdout), log: stderr });
      },
    );
  });
}
