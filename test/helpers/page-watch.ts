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

type Note = { title: string; body: string };

/**
 * What WATCH_PAGE leaves on the page, as the functions below see it (these files are type-checked with
 * Node's types). They are functions, never strings: the page's CSP refuses code evaluated from a string.
 */
interface Watched {
  __notes: Note[];
  __hidden: boolean;
  document: { dispatchEvent(event: unknown): boolean };
  Event: new (type: string) => unknown;
}

/** Hides or shows the tab, as switching away from it and back would. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    const w = globalThis as unknown as Watched;
    w.__hidden = h;
    w.document.dispatchEvent(new w.Event('visibilitychange'));
  }, hidden);
}

/** The notifications the page raised so far. */
export function notesOf(page: Page): Promise<Note[]> {
  return page.evaluate(() => (globalThis as unknown as Watched).__notes);
}

/** Resolves once the page has raised a notification. */
export async function aNote(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as Watched).__notes.length > 0);
}
