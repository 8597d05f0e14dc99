// The storefront in a real browser (Debian's chromium), served by the gateway: a customer signs up,
// orders, watches the order reach SHIPPED live (server-sent events, no reload) and reads its email;
// another customer cannot open that order; a form with bad input shows the server's field errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, orderInBrowser, signUpInBrowser as signUp, type WebBrowser } from './lib/browser.ts';
import { putProduct, uniqueSku } from './lib/shop.ts';

let web: WebBrowser;

before(async () => {
  web = await launchBrowser();
});
after(async () => {
  await web?.close();
});

describe('the storefront', () => {
  it('signs a customer up, takes an order and follows it live to SHIPPED with its email', async () => {
    const sku = uniqueSku('WEB');
    const name = `Web jumper ${sku}`;
    await putProduct(sku, { name, unitPrice: 1999, stock: 10 });
    const page = await web.newPage({ width: 390, height: 844 }); // a phone's width
    await signUp(page, 'Wendy');

    const orderUrl = await orderInBrowser(page, name);

    // The page is not reloaded: the status changes arrive on the stream.
    const status = page.getByTestId('order-status');
    await status.getByText('SHIPPED').or(status.getByText('DELIVERED')).waitFor({ timeout: 60_000 });
    assert.equal(page.url(), orderUrl);
    await page.getByTestId('tracking-number').filter({ hasNotText: 'not yet' }).waitFor();
    assert.equal(await page.getByTestId('payment-status').textContent(), 'SUCCEEDED');

    await readShippedEmail(page);

    // A second customer opening the same link is told there is no such order among theirs.
    const other = await web.newPage();
    await signUp(other, 'Oscar');
    await other.goto(orderUrl);
    await other.getByText('There is no such order among yours.').waitFor();
    assert.equal(await other.getByTestId('order-status').count(), 0);
  });

  it('shows the server’s field errors next to the fields of a bad sign-up', async () => {
    const page = await web.newPage();
    await page.goto('/sign-up');
    await page.getByLabel('Name').fill('Bad');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel(/^Password/).fill('short');
    await page.getByRole('button', { name: 'Create my account' }).click();
    const email = page.locator('#field-email-error');
    const password = page.locator('#field-password-error');
    await email.waitFor();
    await password.waitFor();
    assert.match((await password.textContent()) ?? '', /8 characters/);
    assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
  });
});

/** The email of the shipment, as the customer reads it on the order page (asked again until sent). */
async function readShippedEmail(page: import('playwright-core').Page): Promise<void> {
  const deadline = Date.now() + 30_000;
  const shipped = page.locator('details.email summary', { hasText: 'on its way' });
  while ((await shipped.count()) === 0) {
    assert.ok(Date.now() < deadline, 'the shipment email appears on the order page');
    await page.getByRole('button', { name: 'Check for new emails' }).click();
    await page.waitForTimeout(500);
  }
  await shipped.first().click();
  assert.match((await page.locator('details.email[open] pre').first().textContent()) ?? '', /\S/);
}
