// Headless Chromium for the report's tests: Debian's chromium driven by playwright-core, a fresh empty
// profile per launch, nothing that reaches the network. Collects console errors and page errors.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** An opened page and what it complained about. */
export interface OpenedPage {
  page: Page;
  /** console.error messages, uncaught exceptions, and any request that tried to leave file://. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Opens a local HTML file in headless Chromium at `width`×`height` and waits for the report script
 * to finish (`window.aftershockReady`). Requests other than file:// are blocked and recorded.
 */
export async function openFile(path: string, { width = 1280, height = 900 } = {}): Promise<OpenedPage> {
  const profile = await mkdtemp(join(tmpdir(), 'aftershock-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: FLAGS, headless: true, viewport: { width, height } });
    const errors: string[] = [];
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.route(/^(?!file:)/, async (route) => {
      errors.push(`network: ${route.request().url()}`);
      await route.abort();
    });
    await page.goto(pathToFileURL(path).href);
    await page.waitForFunction('window.aftershockReady === true', undefined, { timeout: 15_000 });
    const opened = context;
    return {
      page,
      errors,
      async close() {
        await opened.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context?.close();
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
}
