import { OPEN_PAGE_WORDS } from '../ui/words.js';

/** Text made safe inside a double-quoted HTML attribute or an element's text. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A page that sends the browser on to `href` at once, by a meta refresh (no script: a file:// page's inline
 * script may be blocked, and the server's CSP allows none), with a link for a browser that does not follow it.
 * Two uses: `lanchat open` hands the browser one as a file (the token stays off every command line), and the
 * server answers the address with the token with one leading to `/`, so that the page itself is asked for by
 * a navigation from its own origin, which carries the SameSite=Strict cookie even when the address was
 * opened from another site or a file (after a redirect the browser would not send it).
 */
export function forwardPage(href: string): string {
  const safe = escapeHtml(href);
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<meta http-equiv="refresh" content="0;url=${safe}">`,
    '<meta name="referrer" content="no-referrer">',
    // No request for /favicon.ico while it is shown (a 404 the console would log), as the page itself.
    '<link rel="icon" href="data:,">',
    `<title>${OPEN_PAGE_WORDS.title}</title></head>`,
    `<body><p><a href="${safe}" rel="noreferrer">${OPEN_PAGE_WORDS.link}</a></p></body></html>`,
    '',
  ].join('\n');
}
