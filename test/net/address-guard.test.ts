import { describe, expect, it } from 'vitest';
import { AddressGuard } from '../../src/net/address-guard.js';

describe('AddressGuard', () => {
  it('caps open connections per address, and counts a closed one out', () => {
    const guard = new AddressGuard({ maxPerAddress: 3 });
    for (let i = 0; i < 3; i++) expect(guard.admit('10.0.0.5')).toBeUndefined();
    expect(guard.admit('10.0.0.5')?.code).toBe('TOO_MANY_CONNECTIONS');
    expect(guard.admit('10.0.0.6')).toBeUndefined();
    guard.release('10.0.0.5');
    expect(guard.admit('10.0.0.5')).toBeUndefined();
    expect(guard.openFrom('10.0.0.5')).toBe(3);
  });

  it('treats an IPv4 address and its IPv6-mapped form as one', () => {
    const guard = new AddressGuard({ maxPerAddress: 1 });
    expect(guard.admit('::ffff:10.0.0.5')).toBeUndefined();
    expect(guard.admit('10.0.0.5')?.code).toBe('TOO_MANY_CONNECTIONS');
  });

  it('bans an address after enough failed handshakes within the window, for the ban time', () => {
    let now = 1_000;
    const guard = new AddressGuard({ failuresToBan: 3, failureWindowMs: 10_000, banMs: 60_000, now: () => now });
    guard.failed('10.0.0.7');
    guard.failed('10.0.0.7');
    expect(guard.isBanned('10.0.0.7')).toBe(false);
    expect(guard.admit('10.0.0.7')).toBeUndefined();
    guard.failed('10.0.0.7');
    expect(guard.admit('10.0.0.7')?.code).toBe('BANNED');
    expect(guard.admit('10.0.0.8')).toBeUndefined();
    now += 59_999;
    expect(guard.isBanned('10.0.0.7')).toBe(true);
    now += 1;
    expect(guard.isBanned('10.0.0.7')).toBe(false);
    // The slate is clean after a ban: it takes the full count again.
    guard.failed('10.0.0.7');
    expect(guard.isBanned('10.0.0.7')).toBe(false);
  });

  it('forgets failures older than the window', () => {
    let now = 0;
    const guard = new AddressGuard({ failuresToBan: 3, failureWindowMs: 10_000, now: () => now });
    guard.failed('10.0.0.9');
    guard.failed('10.0.0.9');
    now += 10_000;
    guard.failed('10.0.0.9');
    expect(guard.isBanned('10.0.0.9')).toBe(false);
  });

  it('never caps or bans an exempt address', () => {
    const guard = new AddressGuard({ maxPerAddress: 1, failuresToBan: 1, exempt: ['127.0.0.1'] });
    for (let i = 0; i < 5; i++) expect(guard.admit('::ffff:127.0.0.1')).toBeUndefined();
    guard.failed('127.0.0.1');
    expect(guard.isBanned('127.0.0.1')).toBe(false);
    expect(guard.admit('127.0.0.1')).toBeUndefined();
    // Only that exact address: the rest of 127/8 is guarded like any other.
    guard.failed('127.0.0.2');
    expect(guard.admit('127.0.0.2')?.code).toBe('BANNED');
  });

  it('keeps its memory bounded when many addresses each fail once', () => {
    let now = 0;
    const guard = new AddressGuard({ failuresToBan: 5, failureWindowMs: 1_000, now: () => now });
    for (let i = 0; i < 5_000; i++) {
      now += 1;
      guard.failed(`10.1.${i >> 8}.${i & 255}`);
    }
    // Failures a window old are swept: at most twice the last window's worth is ever held.
    expect(guard.trackedAddresses).toBeLessThanOrEqual(2 * 1_024);
  });
});
