import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The web server's gate, pure: a page on 127.0.0.1 is reachable by every site its user visits, so every
 * request must name this server as its Host (a DNS-rebound name does not), carry the token (once, in the
 * URL, then as a cookie only this origin sends), and a WebSocket must come from this server's own pages.
 */

/** 32 random bytes, URL-safe: what the printed URL carries. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The names this server answers to: loopback only, with its port (never a name a DNS server gives out). */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/** A WebSocket's Origin: one of this server's own, the same host the request names. */
export function originAllowed(origin: string | undefined, host: string | undefined, port: number): boolean {
  if (origin === undefined || !hostAllowed(host, port)) return false;
  return origin.toLowerCase() === `http://${host!.toLowerCase()}`;
}

/** Compares in constant time (over hashes of both, so the length of a guess tells nothing either). */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** The cookie's name: one per port, so two nodes' pages on one machine do not overwrite each other's. */
export function cookieName(port: number): string {
  return `lanchat_${port}`;
}

/** The value of cookie `name` in a Cookie header, if it is there. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The token of a request URL's query (`?token=…`), if any. */
export function queryToken(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get('token') ?? undefined;
}

/** The path of a request URL, without its query. */
export function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0]!;
  return path === '' ? '/' : path;
}

/** Headers on every answer: nothing but this server's own script and styles, never in a frame, nothing cached. */
export function securityHeaders(port: number): Record<string, string> {
  // An IPv6 literal is no valid CSP source ([::1] pages connect under 'self').
  const sockets = allowedHosts(port).filter((h) => !h.startsWith('[')).map((h) => `ws://${h}`).join(' ');
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${sockets}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}
