import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runningWebUrl } from '../session/data-folder.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { openText } from '../ui/words.js';
import { forwardPage } from '../web/forward-page.js';

/** Starts the system's browser at `target` (a file:// URL); false when it could not be started. */
export type Opener = (target: string) => Promise<boolean>;

/** The page `lanchat open` hands the browser, in the data folder: it holds the token, as `web-token` does. */
export const WEB_OPEN_FILE = 'web-open.html';

/** The command that opens a URL in the user's browser on this system: $BROWSER if set, else the platform's. */
export function openerCommand(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): { command: string; args: string[] } {
  if (env.BROWSER !== undefined && env.BROWSER !== '') return { command: env.BROWSER, args: [] };
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  return { command: 'xdg-open', args: [] };
}

export const systemOpener: Opener = (target) =>
  new Promise((resolve) => {
    const { command, args } = openerCommand(process.platform, process.env);
    const child = spawn(command, [...args, target], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });

/** Only what a lanchat --web prints: its loopback address with the token. Anything else is not opened. */
const WEB_URL = /^http:\/\/127\.0\.0\.1:[0-9]{1,5}\/\?token=[A-Za-z0-9_-]{1,100}$/;

/**
 * `lanchat open`: asks the lanchat running on `dataDir` (over its control socket) where its browser UI
 * is, and opens the browser there. The token never goes on a command line (every user's `ps` shows those):
 * the opener is given a page in the data folder (mode 0600) that sends the browser on to the address.
 * Returns the exit code: 0 opened, 1 none runs or it has no browser UI.
 */
export async function runOpen(dataDir: string, out: NodeJS.WritableStream, opener: Opener = systemOpener): Promise<number> {
  const url = await runningWebUrl(dataDir);
  if (url === undefined) {
    out.write(`${openText({ kind: 'none', dataDir })}\n`);
    return 1;
  }
  if (!WEB_URL.test(url)) {
    out.write(`${openText({ kind: 'no-web' })}\n`);
    return 1;
  }
  const page = join(dataDir, WEB_OPEN_FILE);
  await writeFileAtomic(page, forwardPage(url), { mode: 0o600 });
  if (!(await opener(pathToFileURL(page).href))) {
    out.write(`${openText({ kind: 'no-opener', url })}\n`);
    return 1;
  }
  out.write(`${openText({ kind: 'opening', url: url.replace(/\?.*$/, '') })}\n`);
  return 0;
}
