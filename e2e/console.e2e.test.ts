// The operator console in a real browser (Debian's chromium), served by the gateway: the operator
// signs in, finds an order's flow, browses a topic by offset and by timestamp (Previous after Next
// gives the same page back), sees a group's lag, redrives a dead letter and finds the redrive in
// the audit log.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { topics } from '@microshop/contracts';
import type { Page } from 'playwright-core';
import { eventually } from './lib/api.ts';
import { consolePage, launchBrowser, type WebBrowser } from './lib/browser.ts';
import { producePoison } from './lib/kafka.ts';
import { deadLettersOf } from './lib/ops.ts';
import { awaitStatus, newShopper, placeOrder } from './lib/shop.ts';

let web: WebBrowser;
let page: Page;

before(async () => {
  web = await launchBrowser();
  page = await consolePage(web);
});
after(async () => {
  await web?.close();
});

async function shippedOrder(): Promise<{ id: string; createdAt: string }> {
  const shopper = await newShopper('CONSOLE', { unitPrice: 500 });
  const order = await placeOrder(shopper.customer.id, [{ sku: shopper.sku, quantity: 1, unitPrice: 500 }]);
  await awaitStatus(order.id, ['SHIPPED', 'DELIVERED']);
  return { id: order.id, createdAt: order.createdAt };
}

/** The order's trace, once its spans are stored (exporters send them in batches): the page asked again. */
async function traceShown(page: Page): Promise<void> {
  const deadline = Date.now() + 30_000;
  const summary = page.getByTestId('trace-summary');
  while (!(await summary.isVisible())) {
    assert.ok(Date.now() < deadline, 'the order’s trace is shown');
    await page.waitForTimeout(1_000);
    await page.reload();
    await page.getByTestId('flow-event').first().waitFor();
    await page.getByRole('heading', { name: 'Trace' }).waitFor();
    await page.waitForTimeout(300);
  }
  await summary.click();
  assert.match((await summary.textContent()) ?? '', /\d+ spans in \d+ services/);
}

describe('the operator console', () => {
  it('shows an order’s flow and browses its topic by offset and by time', async () => {
    const order = await shippedOrder();
    await page.goto(`/console/flow?order=${order.id}`);
    const events = page.getByTestId('flow-event');
    await events.filter({ hasText: 'OrderShipped' }).first().waitFor({ timeout: 30_000 });
    assert.ok((await events.filter({ hasText: 'OrderCreated' }).count()) >= 1);
    assert.ok((await events.filter({ hasText: 'microshop.order-validations' }).count()) >= 3, 'three checks');
    await traceShown(page);

    // By timestamp: from the order's creation, filtered on its id on the server.
    await page.goto(`/console/topics/${topics.orderOutbox}`);
    await page.getByLabel('JSON field (path=value)').fill(`orderId=${order.id}`);
    await page
      .getByLabel('From time (UTC, ISO)')
      .fill(new Date(Date.parse(order.createdAt) - 1000).toISOString());
    await page.getByRole('button', { name: 'Go to time' }).click();
    await page.getByTestId('record').filter({ hasText: 'OrderShipped' }).first().waitFor();
    assert.match((await page.getByTestId('scan-summary').textContent()) ?? '', /scanned \d+/);

    // Paging both ways: Previous after Next is the first page again.
    // By offset, from the flow's link to the order's first event: its partition, its offset.
    await page.goto(`/console/flow?order=${order.id}`);
    const created = events
      .filter({ hasText: 'OrderCreated' })
      .filter({ hasText: topics.orderOutbox })
      .first();
    const link = (await created.getByRole('link').getAttribute('href')) ?? '';
    assert.match(link, /seek=offset&offset=\d+/);
    await page.goto(`${link}&limit=2`);
    await page.getByTestId('record').first().waitFor();
    const first = (await page.getByTestId('cursor').textContent()) ?? '';
    const positions = () => page.getByTestId('record').locator('td:nth-child(2)').allTextContents();
    const firstRecords = await positions();
    assert.equal(firstRecords.length, 2);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('cursor').filter({ hasNotText: first }).waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByTestId('cursor').getByText(first, { exact: true }).waitFor();
    assert.deepEqual(await positions(), firstRecords);

    // The live tail: the newest records at once, then what arrives, until paused.
    await page.getByRole('button', { name: 'Follow live' }).click();
    await page.getByTestId('tail-record').first().waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
  });

  it('shows a consumer group’s lag', async () => {
    await page.goto('/console/groups');
    const row = page.getByTestId('group-row').filter({ hasText: 'fraud' }).first();
    await row.waitFor();
    assert.match((await row.getByTestId('group-lag').textContent()) ?? '', /^\d+$/);
    await row.getByRole('button', { name: 'Partitions and chart' }).click();
    await page.getByText(`Lag of fraud per partition`).waitFor();
  });

  it('redrives a dead letter and finds it in the audit log', async () => {
    const record = await producePoison(randomUUID());
    const fraud = await eventually(
      'fraud’s dead letter',
      async () => (await deadLettersOf(record)).find((d) => d.group === 'fraud'),
      60_000,
    );
    await page.goto('/console/dead-letters?status=open');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByLabel(`Select dead letter ${fraud.id}`).check();
    await page.getByLabel('Reason (required to discard)').fill('console e2e');
    await page.getByRole('button', { name: 'Redrive' }).click();
    await page.getByText(/Redriven: 1/).waitFor();

    await page.goto(`/console/audit?targetId=${fraud.id}`);
    // The operator's redrive, with the reason given; entries of others (the copy failing again) beside it.
    const redrive = page
      .getByTestId('audit-entry')
      .filter({ hasText: /redrive/ })
      .filter({ hasText: 'console e2e' });
    await redrive.first().waitFor();
    assert.match((await redrive.first().textContent()) ?? '', new RegExp(fraud.id));
  });
});
