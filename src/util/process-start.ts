import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** How a process's start is read: Linux's /proc, or `ps` (macOS and the BSDs have no /proc). */
export type StartSource = 'proc' | 'ps';

export const DEFAULT_START_SOURCE: StartSource = process.platform === 'linux' ? 'proc' : 'ps';

/**
 * What tells the process `pid` apart from any later process given the same pid: its start time, read from
 * the system. A pid alone does not: after a crash and a reboot (or enough processes) the pid in a lock
 * file belongs to some other program, and the lock would refuse to start for ever.
 * Undefined when it cannot be read (no such process, or the system does not say).
 */
export function processStartToken(pid: number, source: StartSource = DEFAULT_START_SOURCE): string | undefined {
  return source === 'proc' ? procStart(pid) : psStart(pid);
}

/**
 * Field 22 of /proc/<pid>/stat: the start time in clock ticks since boot, with the boot's id, since tick
 * counts start again at every boot.
 */
function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19]; // field 22, counted from field 3
    if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `proc:${boot}:${ticks}`;
  } catch {
    return undefined;
  }
}

/** `ps -o lstart=`: the start date to the second, in the C locale so that it reads the same every time. */
function psStart(pid: number): string | undefined {
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    }).trim();
    return out === '' ? undefined : `ps:${out.replace(/\s+/g, ' ')}`;
  } catch {
    return undefined; // ps exits 1 for a pid that does not exist
  }
}
