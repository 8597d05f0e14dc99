// A real browser for the web pages (their end-to-end tests, `npm run screenshots`): Debian's `chromium` package driven by
// playwright-core (no browser download: `.ci/run` installs the package). Each launch runs on a fresh
// profile: Playwright gives the browser a new temporary --user-data-dir and removes it on close.
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export interface WebBrowser {
  browser: Browser;
  /** A new tab in a context of its own (its own sessionStorage: one signed-in person). */
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

/** A headless chromium whose pages resolve paths against `baseUrl` (the gateway). */
export async function launchBrowser(baseUrl: string): Promise<WebBrowser> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      });
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      await browser.close();
    },
  };
}
