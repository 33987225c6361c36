import { spawn } from 'node:child_process';
import { runningWebUrl } from '../session/data-folder.js';
import { openText } from '../ui/words.js';

/** Starts the system's browser at `url`; false when it could not be started. */
export type Opener = (url: string) => Promise<boolean>;

/** The command that opens a URL in the user's browser on this system: $BROWSER if set, else the platform's. */
export function openerCommand(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): { command: string; args: string[] } {
  if (env.BROWSER !== undefined && env.BROWSER !== '') return { command: env.BROWSER, args: [] };
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  return { command: 'xdg-open', args: [] };
}

export const systemOpener: Opener = (url) =>
  new Promise((resolve) => {
    const { command, args } = openerCommand(process.platform, process.env);
    const child = spawn(command, [...args, url], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });

/**
 * `lanchat open`: asks the lanchat running on `dataDir` (over its control socket) where its browser UI
 * is, and opens the browser there. Returns the exit code: 0 opened, 1 none runs or it has no browser UI.
 */
export async function runOpen(dataDir: string, out: NodeJS.WritableStream, opener: Opener = systemOpener): Promise<number> {
  const url = await runningWebUrl(dataDir);
  if (url === undefined) {
    out.write(`${openText({ kind: 'none', dataDir })}\n`);
    return 1;
  }
  if (url === '') {
    out.write(`${openText({ kind: 'no-web' })}\n`);
    return 1;
  }
  if (!(await opener(url))) {
    out.write(`${openText({ kind: 'no-opener', url })}\n`);
    return 1;
  }
  out.write(`${openText({ kind: 'opening', url: url.replace(/\?.*$/, '') })}\n`);
  return 0;
}
