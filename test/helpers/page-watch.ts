import type { Page } from 'playwright-core';

/**
 * Before the page's own script (context.addInitScript): Notification wrapped to record what is raised (the
 * real one is still made), and the tab's visibility under the test's control (a headless tab is always
 * "visible", minimised or behind another tab alike).
 */
export const WATCH_PAGE = `
  window.__notes = [];
  window.__hidden = false;
  const Real = window.Notification;
  function Recording(title, options) {
    const made = new Real(title, options);
    window.__notes.push({ title, body: (options && options.body) || '' });
    return made;
  }
  Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
  Recording.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recording;
  Object.defineProperty(document, 'visibilityState', { get: () => (window.__hidden ? 'hidden' : 'visible'), configurable: true });
  Object.defineProperty(document, 'hidden', { get: () => window.__hidden, configurable: true });
`;

/** Hides or shows the tab, as switching away from it and back would. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(`window.__hidden = ${hidden}; document.dispatchEvent(new Event('visibilitychange'));`);
}

/** The notifications the page raised so far. */
export function notesOf(page: Page): Promise<{ title: string; body: string }[]> {
  return page.evaluate('window.__notes') as Promise<{ title: string; body: string }[]>;
}

/** Resolves once the page has raised a notification. */
export async function aNote(page: Page): Promise<void> {
  await page.waitForFunction('window.__notes.length > 0');
}
