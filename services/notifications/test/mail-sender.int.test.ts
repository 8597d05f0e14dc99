import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from '@microshop/platform/testing';
import { createSmtpMailer } from '../src/clients/smtp-mailer.ts';
import { startMailSender } from '../src/tasks/mail-sender.ts';
import { customerRegistered, newOrder, type OrderIds, statusEvent, uniqueAddress } from './email-fixtures.ts';
import { emailTestBed } from './email-harness.ts';

// The sender loop against a real SMTP server that goes away and comes back, and against itself.

const bed = await emailTestBed('notifications_sender');

/** Queues one APPROVED email per order, all to `to`, through the handler. */
async function queueApproved(count: number, to: string): Promise<OrderIds[]> {
  const orders = Array.from({ length: count }, () => newOrder());
  for (const order of orders) {
    await bed.deliver(customerRegistered(order, to), statusEvent(order, 'APPROVED'));
  }
  return orders;
}

interface Row {
  order_id: string;
  state: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
}

async function rowsOf(orders: readonly OrderIds[]): Promise<Row[]> {
  const result = await bed.db.pool.query<Row>(
    'SELECT order_id, state, attempts, next_attempt_at, last_error FROM emails WHERE order_id = ANY($1::uuid[])',
    [orders.map((order) => order.orderId)],
  );
  return result.rows;
}

/** Message-ID → how many copies reached the sink. */
function copiesByMessageId(to: string): Map<string, number> {
  const copies = new Map<string, number>();
  for (const mail of bed.received(to))
    copies.set(mail.messageId ?? '', (copies.get(mail.messageId ?? '') ?? 0) + 1);
  return copies;
}

describe('the sender loop', () => {
  test('during an SMTP outage emails stay PENDING with attempts growing; once it is back each arrives exactly once', async (t) => {
    const to = uniqueAddress('outage');
    await bed.stopSink();
    const sender = startMailSender({ ...bed.senderOptions(), intervalMs: 20 });
    t.after(() => sender.stop());

    const orders = await queueApproved(3, to); // the events are handled although SMTP is down
    const failing = await eventually('three failed attempts for every email', async () => {
      const rows = await rowsOf(orders);
      return rows.length === 3 && rows.every((row) => row.attempts >= 3) ? rows : null;
    });

    for (const row of failing) {
      assert.equal(row.state, 'PENDING');
      assert.match(row.last_error ?? '', /ECONNREFUSED/);
      assert.ok(row.next_attempt_at.getTime() > Date.now() - 1_000, 'the next attempt is scheduled');
    }
    assert.deepEqual(bed.received(to), []);

    await bed.startSink();
    await eventually('every email sent', async () =>
      (await rowsOf(orders)).every((row) => row.state === 'SENT'),
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // further passes must not send again

    const copies = copiesByMessageId(to);
    assert.deepEqual(
      [...copies.entries()].sort(),
      orders.map((order) => [`<${order.orderId}.APPROVED@microshop>`, 1]).sort(),
    );
  });

  test('two sender loops on one table never send an email twice', async (t) => {
    const to = uniqueAddress('concurrent');
    const orders = await queueApproved(40, to);
    // Each loop with its own SMTP connections, small batches, so their claims interleave.
    const secondMailer = createSmtpMailer({ url: bed.smtpUrl, timeoutMs: 2_000, maxConnections: 3 });
    t.after(() => secondMailer.close());
    const sent = { first: 0, second: 0 };
    const countingMailer = (mailer: typeof secondMailer, key: keyof typeof sent) => ({
      send: async (email: Parameters<typeof mailer.send>[0]) => {
        await mailer.send(email);
        sent[key] += 1;
      },
      close: () => mailer.close(),
    });
    const first = startMailSender({
      ...bed.senderOptions({ mailer: countingMailer(bed.mailer, 'first'), batchSize: 3 }),
      intervalMs: 5,
    });
    const second = startMailSender({
      ...bed.senderOptions({ mailer: countingMailer(secondMailer, 'second'), batchSize: 3 }),
      intervalMs: 5,
    });
    t.after(async () => {
      await first.stop();
      await second.stop();
    });

    await eventually('every email sent', async () =>
      (await rowsOf(orders)).every((row) => row.state === 'SENT'),
    );

    const copies = copiesByMessageId(to);
    assert.equal(copies.size, 40);
    assert.ok(
      [...copies.values()].every((count) => count === 1),
      JSON.stringify([...copies]),
    );
    assert.equal(sent.first + sent.second, 40);
    assert.ok(sent.first > 0 && sent.second > 0, `both loops sent: ${JSON.stringify(sent)}`);
    assert.ok((await rowsOf(orders)).every((row) => row.attempts === 1));
  });
});
