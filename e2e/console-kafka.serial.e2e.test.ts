// The operator console's Kafka tools in a real browser (Debian's chromium), through the gateway: a
// topic's size on the list and on its page; an expression filter; an export and a reveal; a saved
// filter whose link gives the same records again; a long scan cancelled from the page (the next one
// runs at once); and the offset reset of an idle group — dry run, then the reset with its reason,
// found in the audit log.
// Serial: it scans as the stack's one operator, who may run one scan at a time (another file's scan
// at the same moment would be refused), and it loads Kafka with a topic of 200 000 records.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { topics } from '@microshop/contracts';
import { deleteConsumerGroups } from '@microshop/platform';
import {
  createTestTopics,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { Admin, Consumer, ProduceAcks, Producer } from '@platformatic/kafka';
import type { Page } from 'playwright-core';
import { consolePage, launchBrowser, type WebBrowser } from './lib/browser.ts';

let web: WebBrowser;
let page: Page;
const bootstrapBrokers = [testKafkaBootstrapServers()];

before(async () => {
  web = await launchBrowser();
  page = await consolePage(web);
});
after(async () => {
  await web?.close();
});

type Context = Parameters<typeof createTestTopics>[0];

/** A topic of `count` JSON records {n} (two partitions, record n on partition n % 2), sent in batches. */
async function topicOf(t: Context, count: number): Promise<string> {
  const [topic] = await createTestTopics(t, [{ name: uniqueTopic('e2e-console'), partitions: 2 }]);
  assert.ok(topic);
  // Idempotent: a send retried after a lost acknowledgement must not write a record twice.
  const producer = new Producer({
    clientId: 'e2e-console',
    bootstrapBrokers,
    acks: ProduceAcks.ALL,
    idempotent: true,
  });
  for (let from = 0; from < count; from += 5_000) {
    const messages = Array.from({ length: Math.min(5_000, count - from) }, (_, i) => ({
      topic,
      partition: (from + i) % 2,
      key: Buffer.from(`k-${from + i}`),
      value: Buffer.from(
        JSON.stringify({ type: 'Sample', n: from + i, email: `e2e.${from + i}@example.com` }),
      ),
    }));
    await producer.send({ messages });
  }
  await producer.close();
  return topic;
}

const shown = () => page.getByTestId('record').locator('td:nth-child(2)').allTextContents();

describe('the console’s Kafka tools', () => {
  it('shows a topic’s size on the list and on its page', async () => {
    await page.goto('/console/topics');
    const row = page.getByTestId('topic-row').filter({ hasText: topics.orderOutbox }).first();
    await row.waitFor();
    assert.match((await row.getByTestId('topic-size').textContent()) ?? '', /^\d+(\.\d)? (B|KiB|MiB|GiB)$/);
    await row.getByRole('link').click();
    const size = page.getByTestId('topic-detail-size');
    await size.waitFor();
    assert.match((await size.textContent()) ?? '', /\d+(\.\d)? (B|KiB|MiB|GiB) on disk/);
  });

  it('filters by an expression, saves the filter, and its link shows the same records', async (t) => {
    const topic = await topicOf(t, 40);
    await page.goto(`/console/topics/${topic}`);
    await page.getByLabel('Filter expression').fill('value.n < 6 and value.n != 2');
    await page.getByRole('button', { name: 'Oldest' }).click();
    await page.getByTestId('record').first().waitFor();
    const ns = (await page.getByTestId('record').allTextContents()).map(
      (text) => /"n": (\d+)/.exec(text)?.[1],
    );
    assert.deepEqual(
      ns.map(Number).sort((a, b) => a - b),
      [0, 1, 3, 4, 5],
      'records 0, 1, 3, 4 and 5',
    );
    const first = await shown();
    assert.match(
      (await page.getByTestId('record').first().textContent()) ?? '',
      /e•••@example\.com/,
      'masked',
    );

    // Export one selected record (masked, as shown); reveal another's address (audited on the server).
    await page.getByTestId('record').filter({ hasText: '"n": 1,' }).getByRole('checkbox').check();
    const exported = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export selected (1)' }).click();
    const file = JSON.parse(await readFile((await (await exported).path()) ?? '', 'utf8'));
    assert.deepEqual(
      file.records.map((r: { json: { n: number; email: string } }) => [r.json.n, r.json.email]),
      [[1, 'e•••@example.com']],
    );
    await page.getByRole('button', { name: /^Reveal e-mail addresses of 0:0$/ }).click();
    await page.getByTestId('record').filter({ hasText: 'e2e.0@example.com' }).waitFor({ state: 'attached' });

    const name = `e2e ${randomUUID().slice(0, 8)}`;
    await page.getByLabel('Name of the current filter').fill(name);
    await page.getByRole('button', { name: 'Save filter' }).click();
    const link = page.getByTestId('saved-filters').getByRole('link', { name });
    await link.waitFor();
    assert.ok(
      await page.getByTestId('saved-filters').getByRole('link', { name: 'Hide heartbeats' }).isVisible(),
    );
    const href = (await link.getAttribute('href')) ?? '';
    assert.match(href, /expr=value\.n/);

    // The link, loaded afresh: the same filter in the form, the same records.
    await page.goto('/console/topics');
    await page.goto(href);
    await page.getByTestId('record').first().waitFor();
    assert.equal(await page.getByLabel('Filter expression').inputValue(), 'value.n < 6 and value.n != 2');
    assert.deepEqual(await shown(), first);

    // A syntax error is named next to the field, with its position.
    await page.getByLabel('Filter expression').fill('value.n <');
    await page.getByRole('button', { name: 'Oldest' }).click();
    await page.locator('#seek-expr-help', { hasText: /at position 9/ }).waitFor();
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    await link.waitFor({ state: 'detached' });
  });

  it('cancels a running scan, and the next scan runs at once', async (t) => {
    const topic = await topicOf(t, 200_000);
    const never = encodeURIComponent('value.n == -1');
    await page.goto(
      `/console/topics/${topic}?seek=oldest&expr=${never}&budgetMs=30000&budgetRecords=1000000`,
    );
    await page.getByTestId('scan-running').waitFor();
    await page.getByRole('button', { name: 'Cancel scan' }).click();
    await page.getByTestId('scan-cancelled').waitFor();
    assert.equal(await page.getByTestId('scan-summary').count(), 0, 'no page from the cancelled scan');

    await page.getByLabel('Filter expression').fill('value.n == 3');
    await page.getByRole('button', { name: 'Oldest' }).click();
    await page.getByTestId('record').first().waitFor({ timeout: 30_000 });
    assert.deepEqual(await shown(), ['1'], 'record 3 is on partition 1');
  });

  it('resets an idle group’s offsets: a dry run, then the reset with its reason, audited', async (t) => {
    const topic = await topicOf(t, 20);
    const group = await idleGroup(t, topic, 7n);
    await page.goto('/console/groups');
    const row = page.getByTestId('group-row').filter({ hasText: group });
    await row.waitFor({ timeout: 30_000 }); // the sampler's next pass (every 5 s)
    await row.getByRole('button', { name: 'Partitions and chart' }).click();
    const form = page.getByRole('form', { name: `Reset offsets of ${group}` });
    await form.getByLabel('Topic').selectOption(topic);
    await form.getByLabel('Reset to').selectOption('earliest');
    await form.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText('Dry run: 14 replayed, 0 skipped').waitFor();
    assert.equal(await page.getByTestId('reset-plan').count(), 2);

    await form.getByLabel('Reason for the reset').fill('e2e replay');
    page.once('dialog', (dialog) => void dialog.accept());
    await form.getByRole('button', { name: 'Reset offsets' }).click();
    await page.getByTestId('reset-done').waitFor();

    await page.goto(`/console/audit?targetId=${group}`);
    const entry = page.getByTestId('audit-entry').filter({ hasText: 'consumer-group.reset-offsets' });
    await entry.first().waitFor();
    assert.match((await entry.first().textContent()) ?? '', /e2e replay/);
  });
});

/** A consumer group that joined (a member), left, and committed `offset` on both partitions. */
async function idleGroup(t: Context, topic: string, offset: bigint): Promise<string> {
  const group = uniqueGroup('e2e-console');
  t.after(() =>
    deleteConsumerGroups({ bootstrapServers: bootstrapBrokers, groups: [group], clientId: 'e2e-cleanup' }),
  );
  const consumer = new Consumer({ clientId: 'e2e-console', groupId: group, bootstrapBrokers });
  const stream = await consumer.consume({ topics: [topic], autocommit: false });
  stream.on('data', () => {});
  for (let i = 0; i < 100 && consumer.assignments === null; i++) await new Promise((r) => setTimeout(r, 100));
  await consumer.close(true);
  const admin = new Admin({ clientId: 'e2e-console', bootstrapBrokers });
  await admin.alterConsumerGroupOffsets({
    groupId: group,
    topics: [{ name: topic, partitionOffsets: [0, 1].map((partition) => ({ partition, offset })) }],
  });
  await admin.close();
  return group;
}
