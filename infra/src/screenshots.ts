// `npm run screenshots [-- --test]`: screenshots of every main page of the storefront and the console
// into docs/screenshots/, taken on the running stack (`npm start`; `--test` for the test stack) in
// Debian's chromium. It signs a new customer up, orders through the pages, follows the order to
// SHIPPED, then walks the console as the operator.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { devOperatorAccount } from '@microshop/platform/pure';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, type WebBrowser } from './browser.ts';
import { repoRoot } from './paths.ts';
import { gatewayUrl, loadSettings } from './settings.ts';

const outDir = join(repoRoot, 'docs', 'screenshots');

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  console.log(`  docs/screenshots/${name}.png`);
}

async function storefront(web: WebBrowser): Promise<string> {
  const page = await web.newPage({ width: 1100, height: 800 });
  const email = `shopper-${Date.now()}@example.test`;
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill('Sam Shopper');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(`pw-${email}`);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.goto('/');
  await page
    .getByRole('button', { name: /^Add .* to the cart$/ })
    .first()
    .click();
  await shot(page, 'storefront-catalog');
  await page.goto('/cart');
  await shot(page, 'storefront-cart');
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
  const orderId = page.url().split('/').at(-1) ?? '';
  await page.getByTestId('tracking-number').filter({ hasNotText: 'not yet' }).waitFor({ timeout: 90_000 });
  await shot(page, 'storefront-order');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'storefront-order-phone');
  await page.setViewportSize({ width: 1100, height: 800 });
  await page.goto('/orders');
  await page.getByRole('link', { name: orderId.slice(0, 8) }).waitFor();
  await shot(page, 'storefront-orders');
  return orderId;
}

async function badForm(web: WebBrowser): Promise<void> {
  const page = await web.newPage({ width: 800, height: 600 });
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill('Bad Input');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel(/^Password/).fill('short');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.locator('.field-error').first().waitFor();
  await shot(page, 'storefront-sign-up-errors');
}

async function consolePages(web: WebBrowser, orderId: string): Promise<void> {
  const page = await web.newPage({ width: 1280, height: 800 });
  await page.goto('/console');
  await page.getByLabel('Email').fill(process.env.MICROSHOP_OPERATOR_EMAIL ?? devOperatorAccount.email);
  await page
    .getByLabel('Password')
    .fill(process.env.MICROSHOP_OPERATOR_PASSWORD ?? devOperatorAccount.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
  const views: [string, string, (page: Page) => Promise<unknown>][] = [
    [
      'console-topics',
      '/console/topics',
      (p) => p.getByRole('link', { name: 'microshop.order-outbox' }).waitFor(),
    ],
    [
      'console-messages',
      '/console/topics/microshop.order-outbox?seek=newest&limit=10',
      (p) => p.getByTestId('record').first().waitFor(),
    ],
    [
      'console-messages-filtered',
      `/console/topics/microshop.order-outbox?seek=oldest&limit=10&expr=${encodeURIComponent('value.type != "OrderCreated" and not key contains "serverName"')}`,
      (p) => p.getByTestId('scan-summary').waitFor(),
    ],
    ['console-groups', '/console/groups', (p) => p.getByTestId('group-row').first().waitFor()],
    ['console-connect', '/console/connect', (p) => p.getByText('Replication slots').waitFor()],
    [
      'console-dead-letters',
      '/console/dead-letters',
      (p) => p.getByRole('heading', { name: 'Dead letters' }).waitFor(),
    ],
    ['console-audit', '/console/audit', (p) => p.getByRole('heading', { name: 'Audit log' }).waitFor()],
    [
      'console-order-flow',
      `/console/flow?order=${orderId}`,
      (p) => p.getByTestId('flow-event').first().waitFor(),
    ],
    [
      'console-shop',
      '/console/shop?range=1h',
      async (p) => {
        await p.getByTestId('order-charts').waitFor();
        await p.getByTestId('customer-row').first().waitFor();
        await p
          .getByTestId('catalog-row')
          .first()
          .getByText(/^Audit of /)
          .click();
        await p.getByTestId('product-audit').or(p.getByText('No change by an operator yet.')).waitFor();
      },
    ],
  ];
  for (const [name, path, ready] of views) {
    await page.goto(path);
    await ready(page);
    if (name === 'console-groups')
      await page.getByRole('button', { name: 'Partitions and chart' }).first().click();
    await shot(page, name);
    if (name === 'console-shop') await shotOf(page.getByTestId('order-charts'), 'console-shop-charts');
    if (name === 'console-dead-letters')
      await shotOf(page.getByRole('region', { name: 'Redrive many' }), 'console-redrive-many');
  }
}

/** One part of a page: a chart, a form. */
async function shotOf(part: Locator, name: string): Promise<void> {
  await part.screenshot({ path: join(outDir, `${name}.png`) });
  console.log(`  docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  const settings = loadSettings(process.argv.includes('--test') ? 'test' : 'dev');
  const baseUrl = gatewayUrl(settings);
  const up = await fetch(`${baseUrl}/api/v1/products`).then(
    (r) => r.ok,
    () => false,
  );
  if (!up) throw new Error(`no stack answers at ${baseUrl}: start it first (npm start)`);
  mkdirSync(outDir, { recursive: true });
  console.log(`Screenshots of ${baseUrl} into docs/screenshots/`);
  const web = await launchBrowser(baseUrl);
  try {
    const orderId = await storefront(web);
    await badForm(web);
    await consolePages(web, orderId);
  } finally {
    await web.close();
  }
}

await main();
