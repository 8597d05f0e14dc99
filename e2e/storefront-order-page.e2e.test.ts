// The storefront's order page in a real browser (Debian's chromium): it shows a lost connection to
// the server (the order's event stream ends, then cannot be reopened) and recovers by itself, without
// a reload; a customer cancels an order from the page while the order allows it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import type { Page, Route } from 'playwright-core';
import { gatewayUrl } from './lib/api.ts';
import { launchBrowser, orderInBrowser, signUpInBrowser, type WebBrowser } from './lib/browser.ts';
import { putProduct, uniqueSku } from './lib/shop.ts';

let web: WebBrowser;

before(async () => {
  web = await launchBrowser();
});
after(async () => {
  await web?.close();
});

async function shopperWithProduct(page: Page, prefix: string): Promise<string> {
  const sku = uniqueSku(prefix);
  const name = `Live ${sku}`;
  await putProduct(sku, { name, unitPrice: 1500, stock: 10 });
  await signUpInBrowser(page, 'Lena');
  return name;
}

/**
 * The order's event stream as a flaky network gives it: the first one answers the order once and
 * ends (the server went away mid-stream), every later one fails while `down` says so, then they reach
 * the gateway again.
 */
function flakyStream(page: Page) {
  const state = { dropped: false, down: true };
  const handle = async (route: Route) => {
    if (!state.dropped) {
      state.dropped = true;
      const orderId = /\/orders\/([^/]+)\/events/.exec(route.request().url())?.[1] ?? '';
      const authorization = (await route.request().headerValue('authorization')) ?? '';
      const order = await fetch(`${gatewayUrl}/api/v1/orders/${orderId}`, { headers: { authorization } });
      const body = `event: order\ndata: ${await order.text()}\n\n`;
      return route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body });
    }
    return state.down ? route.abort('internetdisconnected') : route.continue();
  };
  return { state, install: () => page.route('**/api/v1/orders/*/events', handle) };
}

describe('the order page', () => {
  it('shows a lost connection and recovers without a reload', async () => {
    const page = await web.newPage();
    const name = await shopperWithProduct(page, 'LIVE');
    const stream = flakyStream(page);
    await stream.install();
    const orderUrl = await orderInBrowser(page, name);
    // Marks this document: a reload would make a new one without it.
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

    const banner = page.getByRole('status').filter({ hasText: 'Connection lost' });
    await banner.waitFor();
    await page.getByTestId('order-status').waitFor();

    stream.state.down = false;
    const status = page.getByTestId('order-status');
    await status.getByText('SHIPPED').or(status.getByText('DELIVERED')).waitFor({ timeout: 60_000 });
    await banner.waitFor({ state: 'detached' });
    assert.equal(page.url(), orderUrl);
    assert.equal(await page.evaluate(() => 'sameDocument' in globalThis), true, 'the page was not reloaded');
  });

  it('lets the customer cancel an order while it allows it', async () => {
    const page = await web.newPage();
    const name = await shopperWithProduct(page, 'CANCEL');
    // The provider answers this card after seconds: the order waits for its payment meanwhile.
    await orderInBrowser(page, name, sandboxTokens.slow);
    const cancel = page.getByRole('button', { name: 'Cancel this order' });
    await cancel.click();

    const status = page.getByTestId('order-status');
    await status.getByText('CANCELLED').waitFor({ timeout: 30_000 });
    await cancel.waitFor({ state: 'detached' });
    await page.locator('ol.timeline li.bad', { hasText: 'CANCELLED' }).waitFor();
  });
});
