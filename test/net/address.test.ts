import { describe, expect, it } from 'vitest';
import { isLoopback, normalizeAddress } from '../../src/net/address.js';

describe('addresses', () => {
  it('spell an IPv4 peer of a dual-stack listener one way', () => {
    expect(normalizeAddress('::ffff:10.77.0.2')).toBe('10.77.0.2');
    expect(normalizeAddress('10.77.0.2')).toBe('10.77.0.2');
    expect(normalizeAddress('fe80::1')).toBe('fe80::1');
  });

  it('tell this machine from the LAN, however it is spelled', () => {
    for (const host of ['127.0.0.1', '127.3.4.5', '::ffff:127.0.0.1', '::1', 'localhost']) expect(isLoopback(host)).toBe(true);
    for (const host of ['10.77.0.1', '::ffff:10.0.0.1', 'fe80::1', '']) expect(isLoopback(host)).toBe(false);
  });
});
