import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { safeJson } from '../chat/safe-text.js';
import { runJsonMode } from '../ui/json-mode.js';
import { webUrlText } from '../ui/words.js';
import type { WebServer } from '../web/server.js';
import { runLineMode } from '../ui/line-mode.js';
import { errorText } from '../ui/words.js';
import type { ChatSession } from '../session/chat-session.js';
import { defaultDataDir } from '../session/data-folder.js';
import { startSession } from '../session/node-session.js';
import { isLanchatError, LanchatError } from '../wire/errors.js';
import { runDoctor } from './doctor.js';
import { exitCodeOf } from './exit-code.js';
import { runHistory } from './history.js';
import { runOpen } from './open.js';
import { repairCommand } from './repair.js';
import { readSecret } from './secret.js';
import { resolveOptions, type CliOptions, type RawOptions } from './options.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// A bug must not greet the user with a stack trace; LANCHAT_DEBUG=1 shows it.
process.on('uncaughtException', (err) => {
  process.stderr.write(`lanchat: internal error: ${process.env.LANCHAT_DEBUG ? err.stack : err.message}\n`);
  process.exit(1);
});

const program = new Command()
  .name('lanchat')
  .description('Chat on the local network: no server to set up, no address to type.')
  .version(version, '-V, --version')
  .option('-n, --name <nick>', 'your nick (default: your user name)')
  .option('--host', 'be the relay that the others join')
  .option('-c, --connect <host:port>', 'join the relay (or any node) at this address')
  .option('-p, --port <port>', 'TCP port to listen on (default: any free port)')
  .option('-d, --data <dir>', 'data folder (default: ~/.local/share/lanchat/<network>)')
  .option('--network <name>', 'chat network to join; each has its own relay', 'lanchat')
  .option('--json', 'one JSON event per output line; input lines as typed (for scripts)')
  .option('--plain', 'line mode on a terminal too, instead of the full-screen UI')
  .option('--secret-file <file>', 'room secret: its first line (or set LANCHAT_SECRET); every link is then TLS')
  .option('--web [port]', 'also serve the browser UI on 127.0.0.1 (on PORT, else the last one if free); prints its URL')
  .option('--no-discovery', 'do not use mDNS: no announcing, no looking (then use --host or --connect)')
  .option('--away-after <minutes>', 'away after this many minutes without input; 0: never', '10')
  .option('--no-typing', 'do not tell the others when you are typing')
  .option('--no-notify', 'no desktop notifications (nor the bell) for private messages and mentions')
  .option('--highlight <words>', 'comma-separated words that notify you as your nick does')
  .showHelpAfterError('(lanchat --help lists the options)')
  .enablePositionalOptions()
  .action(async (raw: RawOptions & { secretFile?: string }) => {
    let options: CliOptions;
    let secret: string | undefined;
    try {
      options = resolveOptions(raw);
      secret = readSecret(raw.secretFile);
    } catch (err) {
      fail(err, raw.json === true, 2);
    }
    await run(options, secret);
  });

program
  .command('doctor')
  .description('explain why nobody shows up: interfaces, mDNS, lanchat nodes seen, the relay port')
  .option('--network <name>', 'chat network to look for', 'lanchat')
  .option('--json', 'print the findings as one JSON object')
  .option('--listen <ms>', 'how long to listen for mDNS answers', '3000')
  .option('--secret-file <file>', "the group's room secret (or set LANCHAT_SECRET): tells its nodes from another secret's")
  .action(async (raw: { network: string; json?: boolean; listen: string; secretFile?: string }) => {
    const listenMs = Number(raw.listen);
    let secret: string | undefined;
    try {
      if (!Number.isInteger(listenMs) || listenMs < 100 || listenMs > 60_000) {
        throw new LanchatError('USAGE', `--listen "${raw.listen}": 100 to 60000 ms`);
      }
      secret = readSecret(raw.secretFile);
    } catch (err) {
      fail(err, raw.json === true, 2);
    }
    process.exit(await runDoctor({ network: raw.network, json: raw.json === true, listenMs, secret }));
  });

program
  .command('history')
  .description('print the stored history in display order, without joining the network')
  .option('--room <room>', 'only this room')
  .option('--limit <n>', 'only the last N messages')
  .option('-d, --data <dir>', 'data folder (default: ~/.local/share/lanchat/<network>)')
  .option('--network <name>', 'chat network whose default data folder to read', 'lanchat')
  .option('--json', 'one JSON message object per line, as the live events')
  .option('--grep <text>', 'only the newest messages (100 at most) that hold TEXT, any case, newest first')
  .action(async (raw: { room?: string; limit?: string; data?: string; network: string; json?: boolean; grep?: string }) => {
    const limit = raw.limit === undefined ? Number.POSITIVE_INFINITY : Number(raw.limit);
    try {
      if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit > 0))) {
        throw new LanchatError('USAGE', `--limit "${raw.limit}": a count of messages`);
      }
      await runHistory({
        dataDir: raw.data ?? defaultDataDir(raw.network),
        room: raw.room,
        limit,
        json: raw.json === true,
        ...(raw.grep === undefined ? {} : { grep: raw.grep }),
      });
    } catch (err) {
      fail(err, raw.json === true, exitCodeOf(err));
    }
  });

program
  .command('open')
  .description('open the browser UI of the lanchat running on this data folder (started with --web)')
  .option('-d, --data <dir>', 'data folder (default: ~/.local/share/lanchat/<network>)')
  .option('--network <name>', 'chat network whose default data folder to use', 'lanchat')
  .action(async (raw: { data?: string; network: string }) => {
    try {
      process.exit(await runOpen(raw.data ?? defaultDataDir(raw.network), process.stdout));
    } catch (err) {
      fail(err, false, exitCodeOf(err));
    }
  });

program.addCommand(repairCommand(fail));

await program.parseAsync();

async function run(options: CliOptions, secret: string | undefined): Promise<void> {
  let session: ChatSession;
  try {
    session = await startSession({
      nick: options.nick,
      network: options.network,
      dataDir: options.dataDir,
      host: options.host,
      port: options.port,
      discovery: options.discovery,
      awayAfterMinutes: options.awayAfterMinutes,
      typing: options.typing,
      ...(secret === undefined ? {} : { secret }),
      ...(options.connect === undefined ? {} : { connect: options.connect }),
    });
  } catch (err) {
    fail(err, options.json, exitCodeOf(err));
  }

  let web: WebServer | undefined;
  if (options.web !== undefined) {
    try {
      // Loaded only when used, as the full screen is: other modes start without the web server's modules.
      const { serveWeb, WEB_PORT_FILE, WEB_TOKEN_FILE } = await import('../web/server.js');
      web = await serveWeb(session, {
        port: options.web,
        tokenFile: join(options.dataDir, WEB_TOKEN_FILE),
        portFile: join(options.dataDir, WEB_PORT_FILE),
        notify: { enabled: options.notify, highlights: options.highlights },
      });
    } catch (err) {
      await session.stop();
      fail(err, options.json, exitCodeOf(err));
    }
    session.offerWeb?.(web.url);
    process.stdout.write(options.json ? `${safeJson({ event: 'web', url: web.url })}\n` : `${webUrlText(web.url)}\n`);
  }

  let signals = 0;
  const quit = async (): Promise<void> => {
    await web?.close();
    await session.stop();
    process.exit(0);
  };
  const onSignal = (): void => {
    // A second Ctrl-C does not wait for the goodbye.
    if (++signals > 1) process.exit(130);
    void quit();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  if (options.json) await runJsonMode(session, process.stdin, process.stdout);
  else if (!options.plain && process.stdout.isTTY && process.stdin.isTTY) await runFullScreen(session, options);
  else await runLineMode(session, process.stdin, process.stdout, { notify: { enabled: options.notify, highlights: options.highlights } });
  await quit();
}

/** The full-screen UI, loaded only when used: line and --json modes start without React. */
async function runFullScreen(session: ChatSession, options: CliOptions): Promise<void> {
  // React's development build is twice as slow to render and only helps whoever debugs React itself.
  process.env.NODE_ENV ??= 'production';
  const { runTui } = await import('../ui/tui/run.js');
  await runTui(session, process.stdin, process.stdout, { notify: { enabled: options.notify, highlights: options.highlights } });
}

function fail(err: unknown, json: boolean, exitCode: number): never {
  const code = isLanchatError(err) ? err.code : 'INTERNAL';
  const message = errorText(err);
  if (json) process.stdout.write(`${JSON.stringify({ event: 'error', code, message })}\n`);
  process.stderr.write(`lanchat: ${message}\n`);
  process.exit(exitCode);
}
