// Launches Debian's Chromium headless through playwright-core, with a fresh profile each time and
// no background traffic, and collects the page errors a test must not see.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser (`.ci/run` installs it when missing). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface Chromium {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far, on every page of the context. */
  errors: string[];
  close(): Promise<void>;
}

/** Starts Chromium with one context of `width`×`height` and a page in it. */
export async function launchChromium(width = 1280, height = 900): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium), as .ci/run does`);
  const profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
  // A persistent context is how playwright takes a profile folder (it refuses --user-data-dir in args).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width, height },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      // A refused request (a 4xx the page expects and shows) is logged by Chromium itself, not by the app.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console: ${msg.text()}`);
    });
  };
  context.on('page', watch);
  for (const open of context.pages()) watch(open);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
