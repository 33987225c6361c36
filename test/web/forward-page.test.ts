import { describe, expect, it } from 'vitest';
import { forwardPage } from '../../src/web/forward-page.js';

describe('the page that sends the browser on', () => {
  it('goes on at once by a meta refresh, with a link, and no script', () => {
    const url = 'http://127.0.0.1:4242/?token=abc_DEF-123';
    const page = forwardPage(url);
    expect(page).toContain(`<meta http-equiv="refresh" content="0;url=${url}">`);
    expect(page).toContain(`<a href="${url}" rel="noreferrer">`);
    expect(page).toContain('<meta name="referrer" content="no-referrer">');
    expect(page).toContain('<link rel="icon" href="data:,">');
    expect(page).not.toContain('<script');
  });

  it.each([
    ['"><script>alert(1)</script>', '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['/?a=1&b=2', '/?a=1&amp;b=2'],
    ["/it's", "/it's"],
  ])('reads nothing of %j as markup', (href, escaped) => {
    const page = forwardPage(href);
    expect(page).toContain(`content="0;url=${escaped}"`);
    expect(page).toContain(`<a href="${escaped}"`);
    expect(page).not.toContain('<script');
  });
});
