import { describe, expect, it } from 'vitest';
import { Bucket } from '../../src/web/bucket.js';
import { cookieValue, hostAllowed, originAllowed, pathOf, queryToken, tokenMatches } from '../../src/web/guard.js';

describe("the web server's gate", () => {
  it.each([
    ['127.0.0.1:8080', true],
    ['localhost:8080', true],
    ['LocalHost:8080', true],
    ['[::1]:8080', true],
    ['127.0.0.1:8081', false],
    ['127.0.0.1', false],
    ['localhost', false],
    ['evil.test:8080', false],
    ['localhost.evil.test:8080', false],
    ['127.0.0.2:8080', false],
    [undefined, false],
  ])('Host %j: %s', (host, allowed) => {
    expect(hostAllowed(host, 8080)).toBe(allowed);
  });

  it.each([
    ['http://127.0.0.1:8080', '127.0.0.1:8080', true],
    ['http://localhost:8080', 'localhost:8080', true],
    ['http://localhost:8080', '127.0.0.1:8080', false],
    ['https://127.0.0.1:8080', '127.0.0.1:8080', false],
    ['http://evil.test', '127.0.0.1:8080', false],
    ['null', '127.0.0.1:8080', false],
    [undefined, '127.0.0.1:8080', false],
    ['http://evil.test:8080', 'evil.test:8080', false],
  ])('Origin %j with Host %j: %s', (origin, host, allowed) => {
    expect(originAllowed(origin, host, 8080)).toBe(allowed);
  });

  it('compares tokens whole', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
  });

  it('reads the cookie, the token and the path of a request', () => {
    expect(cookieValue('a=1; lanchat_80=tok; b=2', 'lanchat_80')).toBe('tok');
    expect(cookieValue('xlanchat_80=tok', 'lanchat_80')).toBeUndefined();
    expect(cookieValue(undefined, 'lanchat_80')).toBeUndefined();
    expect(queryToken('/?token=abc&x=1')).toBe('abc');
    expect(queryToken('/app.js')).toBeUndefined();
    expect(pathOf('/app.js?token=1')).toBe('/app.js');
    expect(pathOf('')).toBe('/');
  });
});

describe('the bucket a tab sends through', () => {
  it('lets a burst through, then the rate', () => {
    const bucket = new Bucket(10, 3, 0);
    expect([0, 0, 0, 0].map((t) => bucket.take(t))).toEqual([true, true, true, false]);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(100)).toBe(false);
    expect([10_000, 10_000, 10_000, 10_000].map((t) => bucket.take(t))).toEqual([true, true, true, false]);
  });
});
