import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

/** Debian's chromium (.ci/run installs it): Playwright's own browser download cannot reach its host here. */
export const CHROMIUM = '/usr/bin/chromium';

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;
}

/**
 * A headless Chromium with a fresh profile, offline of everything but what the page asks of loopback.
 * `netns`: the browser runs inside that network namespace (its loopback is the namespace's), started
 * through `ip netns exec`, which execs it in place: Playwright still drives it over the pipes it handed down.
 */
export async function launchBrowser(options: { netns?: string } = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'lanchat-chromium-'));
  let executablePath = CHROMIUM;
  if (options.netns !== undefined) {
    executablePath = join(profile, 'chromium-in-netns');
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec '${options.netns}' ${CHROMIUM} "$@"\n`, { mode: 0o755 });
  }
  const context = await chromium.launchPersistentContext(join(profile, 'profile'), {
    executablePath,
    headless: true,
    viewport: { width: 1100, height: 680 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The lines of the page's message pane that hold `text`. */
export function lineWith(page: Page, text: string): Locator {
  return page.locator('#lines .line .text', { hasText: text });
}

/** Types a line into the page's input and sends it, as a user does. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.fill('#input', line);
  await page.press('#input', 'Enter');
}

/** The texts of the lines the page shows now. */
export function shownTexts(page: Page): Promise<string[]> {
  return page.locator('#lines .line .text').allTextContents();
}
