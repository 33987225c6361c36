/** How peers' addresses are spelled and told apart. Pure. */

/** One spelling per address: an IPv4 peer of a dual-stack listener shows as ::ffff:a.b.c.d. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** An address of this machine itself. */
export function isLoopback(host: string): boolean {
  const address = normalizeAddress(host);
  return address === 'localhost' || address === '::1' || address.startsWith('127.');
}
