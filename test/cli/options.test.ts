import { describe, expect, it } from 'vitest';
import { parseHostPort, resolveOptions } from '../../src/cli/options.js';
import { isLanchatError } from '../../src/wire/errors.js';

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isLanchatError(err, 'USAGE')) return err.message;
    throw err;
  }
  throw new Error('expected a usage error');
}

describe('command-line options', () => {
  const env = { XDG_DATA_HOME: '/data-home' };

  it('defaults to network lanchat, an ephemeral port and the XDG data folder', () => {
    const options = resolveOptions({ name: 'bob' }, env);
    expect(options).toMatchObject({ nick: 'bob', network: 'lanchat', port: 0, host: false, json: false });
    expect(options.dataDir).toBe('/data-home/lanchat/lanchat');
    expect(resolveOptions({ name: 'bob', network: 'team' }, env).dataDir).toBe('/data-home/lanchat/team');
  });

  it('serves the browser UI only when asked, on the port given or any free one', () => {
    expect(resolveOptions({ name: 'bob' }, env).web).toBeUndefined();
    expect(resolveOptions({ name: 'bob', web: true }, env).web).toBe(0);
    expect(resolveOptions({ name: 'bob', web: '8080' }, env).web).toBe(8080);
    expect(usageError(() => resolveOptions({ name: 'b', web: 'x' }, env))).toMatch(/^--web: "x" is not a TCP port/);
    expect(usageError(() => resolveOptions({ name: 'b', web: '65536' }, env))).toMatch(/^--web/);
  });

  it('reads host:port in its IPv4, name and IPv6 forms', () => {
    expect(parseHostPort('192.168.1.20:40123')).toEqual({ host: '192.168.1.20', port: 40123 });
    expect(parseHostPort('pc.local:1')).toEqual({ host: 'pc.local', port: 1 });
    expect(parseHostPort('[fe80::1]:7000')).toEqual({ host: 'fe80::1', port: 7000 });
  });

  it('refuses what it cannot use, naming the option', () => {
    expect(usageError(() => parseHostPort('nohost'))).toMatch(/^--connect "nohost": expected HOST:PORT/);
    expect(usageError(() => parseHostPort('h:0'))).toMatch(/not a TCP port/);
    expect(usageError(() => resolveOptions({ name: 'b', port: '70000' }, env))).toMatch(/^--port/);
    expect(usageError(() => resolveOptions({ name: 'two words' }, env))).toMatch(/^--name/);
    expect(usageError(() => resolveOptions({ name: 'b', network: 'Bad Name' }, env))).toMatch(/^--network/);
    expect(usageError(() => resolveOptions({ name: 'b', host: true, connect: 'h:1' }, env))).toMatch(/exclude/);
    expect(usageError(() => resolveOptions({ name: 'b', json: true, plain: true }, env))).toMatch(/^--json and --plain/);
  });

  it('keeps the full-screen UI unless --plain asks for line mode', () => {
    expect(resolveOptions({ name: 'b' }, env).plain).toBe(false);
    expect(resolveOptions({ name: 'b', plain: true }, env).plain).toBe(true);
  });

  it('reads --away-after as whole minutes (default 10, 0: never) and --no-typing', () => {
    expect(resolveOptions({ name: 'b' }, env)).toMatchObject({ awayAfterMinutes: 10, typing: true });
    expect(resolveOptions({ name: 'b', awayAfter: '0', typing: false }, env)).toMatchObject({ awayAfterMinutes: 0, typing: false });
    expect(resolveOptions({ name: 'b', awayAfter: '45' }, env).awayAfterMinutes).toBe(45);
    for (const bad of ['-1', '1.5', 'ten', '', '10081']) {
      expect(usageError(() => resolveOptions({ name: 'b', awayAfter: bad }, env))).toMatch(/^--away-after: ".*" is not a number of minutes \(0 to 10080; 0: never\)$/);
    }
  });
});

