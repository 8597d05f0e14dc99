// The console's shop and bulk redrive in a real browser (Debian's chromium): the order charts drawn
// from the server's statistics after a few orders; customers found by email, their level changed and
// their orders listed; a product's audit trail; dead letters redriven by a filter as a task, with the
// count typed to confirm, its progress and its audit rows.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { topics } from '@microshop/contracts';
import type { Page } from 'playwright-core';
import { api, eventually } from './lib/api.ts';
import { launchBrowser, signInToConsole, type WebBrowser } from './lib/browser.ts';
import { producePoison } from './lib/kafka.ts';
import { type DeadLetterSummary, deadLettersOf } from './lib/ops.ts';
import { operator } from './lib/session.ts';
import { awaitStatus, newShopper, placeOrder } from './lib/shop.ts';

let web: WebBrowser;
let page: Page;

before(async () => {
  web = await launchBrowser();
  page = await web.newPage();
  await signInToConsole(page);
});
after(async () => {
  await web?.close();
});

describe('the console’s shop', () => {
  it('charts orders per minute, the funnel and step latencies after a few orders', async () => {
    const shopper = await newShopper('CHARTS', { unitPrice: 700 });
    const orders = [await placeOrder(shopper.customer.id, [shopper.line(1)])];
    orders.push(await placeOrder(shopper.customer.id, [shopper.line(1)]));
    for (const order of orders) await awaitStatus(order.id, ['SHIPPED', 'DELIVERED']);

    await page.goto('/console/shop?range=15m');
    const charts = page.getByTestId('order-charts');
    await charts.waitFor();
    // A bar a minute: 15 whole ones, and the minute under way unless the range ends on a minute.
    const bars = await charts.getByTestId('chart-column').count();
    assert.ok(bars === 15 || bars === 16, `${bars} bars`);
    const funnel = (await page.getByTestId('funnel').getByRole('img').getAttribute('aria-label')) ?? '';
    const created = Number(/CREATED (\d+)/.exec(funnel)?.[1]);
    const shipped = Number(/SHIPPED (\d+)/.exec(funnel)?.[1]);
    assert.ok(created >= 2 && shipped >= 2, funnel);
    const toShipped = page.getByTestId('latency-row').filter({ hasText: 'CREATED → SHIPPED' });
    assert.match((await toShipped.textContent()) ?? '', /\d+ (ms|s)/);

    await page.getByLabel('Range').selectOption('24h');
    await page.waitForURL(/range=24h/);
    await eventually('96 quarter hours drawn', async () =>
      [96, 97].includes(await charts.getByTestId('chart-column').count()) ? true : undefined,
    );
  });

  it('finds a customer by email, changes the level and lists the customer’s orders', async () => {
    const shopper = await newShopper('LEVELS');
    const order = await placeOrder(shopper.customer.id, [shopper.line(1)]);
    await page.goto('/console/shop');
    await page.getByLabel('Email starts with').fill(shopper.customer.email.slice(0, 30));
    await page.getByRole('button', { name: 'Find' }).click();
    const row = page.getByTestId('customer-row').filter({ hasText: shopper.customer.email });
    await row.waitFor();
    await row.getByLabel(`Level of ${shopper.customer.email}`).selectOption('gold');
    await row.getByRole('button', { name: 'Change level' }).click();
    await row.getByRole('button', { name: 'Change level' }).waitFor({ state: 'detached' });
    const read = await api<{ level: string }>('GET', `/api/v1/customers/${shopper.customer.id}`, {
      as: await operator(),
    });
    assert.equal(read.body.level, 'gold');

    await row.getByRole('link', { name: /^Orders of / }).click();
    const listed = page.getByTestId('customer-order').filter({ hasText: order.id.slice(0, 8) });
    await listed.waitFor();
    assert.equal(await listed.getByRole('link').getAttribute('href'), `/console/flow?order=${order.id}`);
  });

  it('shows a product’s price, stock and audit trail', async () => {
    const shopper = await newShopper('AUDIT', { stock: 10, unitPrice: 1250 });
    const changed = await api('PUT', `/api/v1/products/${shopper.sku}/stock`, {
      body: { stock: 7 },
      as: await operator(),
    });
    assert.equal(changed.status, 200);
    await page.goto('/console/shop');
    const row = page.getByTestId('catalog-row').filter({ hasText: shopper.sku });
    assert.match((await row.textContent()) ?? '', /€12\.50/);
    await row.getByText(`Audit of ${shopper.sku}`).click();
    await row.getByTestId('product-audit').getByText('stock: 10 → 7').waitFor();
  });
});

describe('redriving many dead letters', () => {
  it('redrives the dead letters matching a filter as a task, with progress and audit rows', async () => {
    const records = [await producePoison(randomUUID()), await producePoison(randomUUID())];
    const parked: DeadLetterSummary[] = [];
    for (const record of records) {
      parked.push(
        await eventually('fraud’s dead letter', async () =>
          (await deadLettersOf(record)).find((d) => d.group === 'fraud'),
        ),
      );
    }
    // The window of these two failures only: other tests' dead letters stay out of the task.
    const times = parked.map((d) => Date.parse(d.lastFailedAt));
    await page.goto('/console/dead-letters');
    await page.getByLabel('Consumer group').fill('fraud');
    await page.getByLabel('Origin topic').fill(topics.orderOutbox);
    await page.getByLabel('Failed from (UTC, ISO)').fill(new Date(Math.min(...times)).toISOString());
    await page.getByLabel('Failed before (UTC, ISO)').fill(new Date(Math.max(...times) + 1).toISOString());
    await page.getByLabel(/^Records per second/).fill('1');
    await page.getByLabel('Reason', { exact: true }).fill('bulk e2e');
    await page.getByRole('button', { name: 'Count matching' }).click();
    await page
      .getByTestId('bulk-count')
      .getByText(/^2 open dead letter/)
      .waitFor();
    const start = page.getByRole('button', { name: 'Redrive 2' });
    assert.equal(await start.isDisabled(), true, 'the count is typed first');
    await page.getByLabel('Type 2 to confirm').fill('2');
    await start.click();

    const counts = page.getByTestId('task-counts');
    await counts.getByText(/^2 of 2 produced.* done$/).waitFor({ timeout: 30_000 });
    await page.getByTestId('redrive-task').filter({ hasText: 'bulk e2e' }).first().waitFor();

    await page.getByRole('link', { name: 'Audit of this task' }).click();
    await page.getByTestId('audit-entry').filter({ hasText: 'redrive-batch.requested' }).waitFor();
    for (const deadLetter of parked) {
      await page.goto(`/console/audit?targetId=${deadLetter.id}`);
      await page.getByTestId('audit-entry').filter({ hasText: 'dead-letter.redriven' }).first().waitFor();
      assert.ok((await page.getByTestId('audit-entry').filter({ hasText: 'bulk e2e' }).count()) >= 1);
    }
  });
});
