import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '@microshop/platform';
import { eventually } from '@microshop/platform/testing';
import { createSmtpMailer, type OutgoingEmail } from '../src/clients/smtp-mailer.ts';
import { notificationsConfig, smtpOptionsOf } from '../src/config.ts';
import { sendDueEmails, startMailSender } from '../src/tasks/mail-sender.ts';
import { customerRegistered, newOrder, type OrderIds, statusEvent, uniqueAddress } from './email-fixtures.ts';
import { asOperator, emailTestBed } from './email-harness.ts';
import { startTestSmtpServer } from './smtp-servers.ts';

// The sender against a real SMTP server that goes away and comes back, refuses, wants a login, and
// against itself and a copy of itself that died mid-send.

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
    await eventually('three failed attempts for every email', async () => {
      const rows = await rowsOf(orders);
      return rows.length === 3 && rows.every((row) => row.attempts >= 3);
    });
    await sender.stop(); // its last pass recorded: no attempt is under way

    for (const row of await rowsOf(orders)) {
      assert.equal(row.state, 'PENDING');
      assert.match(row.last_error ?? '', /ECONNREFUSED/);
      assert.ok(row.next_attempt_at.getTime() > Date.now() - 1_000, 'the next attempt is scheduled');
    }
    assert.deepEqual(bed.received(to), []);

    await bed.startSink();
    const resumed = startMailSender({ ...bed.senderOptions(), intervalMs: 20 });
    t.after(() => resumed.stop());
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

describe('a pass: its emails claimed together and recorded together', () => {
  test('emails due together are claimed in one transaction and recorded in one more; a record failing there is made one by one, the others still recorded', async (t) => {
    const pool = bed.db.pool;
    // Every change of an email row, with the transaction that made it.
    await pool.query(`
      CREATE TABLE email_changes (order_id uuid, state text, xid bigint);
      CREATE FUNCTION note_email_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO email_changes VALUES (NEW.order_id, NEW.state, txid_current());
        RETURN NEW;
      END $$;
      CREATE TRIGGER email_changes AFTER UPDATE ON emails FOR EACH ROW EXECUTE FUNCTION note_email_change();`);
    t.after(() =>
      pool.query(
        'DROP TRIGGER email_changes ON emails; DROP FUNCTION note_email_change; DROP TABLE email_changes',
      ),
    );
    const to = uniqueAddress('together');
    const orders = await queueApproved(5, to);

    // Waiting for every send of the pass, however slow the machine.
    const report = await sendDueEmails(bed.senderOptions({ recordLingerMs: 10_000 }));

    assert.ok(report.sent >= 5);
    const changes = await pool.query<{ state: string; transactions: number; emails: number }>(
      `SELECT state, count(DISTINCT xid)::int AS transactions, count(*)::int AS emails FROM email_changes
       WHERE order_id = ANY($1::uuid[]) GROUP BY state ORDER BY state`,
      [orders.map((order) => order.orderId)],
    );
    assert.deepEqual(changes.rows, [
      { state: 'SENDING', transactions: 1, emails: 5 },
      { state: 'SENT', transactions: 1, emails: 5 },
    ]);

    // One email's record cannot be written: the pass's record fails, each is recorded alone.
    const [victim, ...others] = await queueApproved(3, to);
    assert.ok(victim);
    await pool.query(`
      CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.order_id = '${victim.orderId}' AND NEW.state = 'SENT' THEN RAISE EXCEPTION 'refused in the test'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_sent BEFORE UPDATE ON emails FOR EACH ROW EXECUTE FUNCTION refuse_sent();`);
    t.after(() =>
      pool.query('DROP TRIGGER IF EXISTS refuse_sent ON emails; DROP FUNCTION IF EXISTS refuse_sent'),
    );

    await assert.rejects(sendDueEmails(bed.senderOptions()), /refused in the test/);

    const rows = await rowsOf([victim, ...others]);
    const state = (order: OrderIds) => rows.find((row) => row.order_id === order.orderId)?.state;
    assert.equal(state(victim), 'SENDING', 'unrecorded: sent again once its claim lapses');
    assert.deepEqual(
      others.map((order) => state(order)),
      ['SENT', 'SENT'],
    );
  });
});

describe('one email at a time: claimed, sent outside any transaction, recorded', () => {
  test('a sender that dies between the send and the record re-sends that one email only, with the same Message-ID, once its claim lapsed', async () => {
    const to = uniqueAddress('crash');
    const orders = await queueApproved(3, to);
    const victim = orders[0];
    assert.ok(victim);
    const victimId = `<${victim.orderId}.APPROVED@microshop>`;
    // The first sender's SMTP client: the server takes the victim's message, then the sender is gone
    // (it never records): its promise is left hanging until the end of the test.
    let revive = () => {};
    const revived = new Promise<void>((resolve) => {
      revive = resolve;
    });
    const dying = {
      send: async (email: OutgoingEmail) => {
        await bed.mailer.send(email);
        if (email.messageId === victimId) await revived;
      },
      close: () => {},
    };
    const claimMs = 400;
    const firstPass = sendDueEmails(bed.senderOptions({ mailer: dying, claimMs }));

    await eventually('the other emails recorded SENT, the victim still SENDING', async () => {
      const rows = await rowsOf(orders);
      const state = (order: OrderIds) => rows.find((row) => row.order_id === order.orderId)?.state;
      return state(victim) === 'SENDING' && orders.slice(1).every((order) => state(order) === 'SENT');
    });
    assert.equal(copiesByMessageId(to).get(victimId), 1, 'the server has the victim once');

    const early = await sendDueEmails(bed.senderOptions({ claimMs }));
    assert.equal(early.sent, 0, 'the claim still holds: nothing is sent again');
    await new Promise((resolve) => setTimeout(resolve, claimMs));
    const later = await sendDueEmails(bed.senderOptions({ claimMs }));

    assert.equal(later.sent, 1, 'the lapsed claim is taken again: one email sent');
    assert.deepEqual(
      [...copiesByMessageId(to).entries()].sort(),
      [
        [victimId, 2],
        ...orders.slice(1).map((order) => [`<${order.orderId}.APPROVED@microshop>`, 1] as [string, number]),
      ].sort(),
      'the victim twice with one Message-ID, every other email once',
    );
    revive(); // the first sender comes back and tries to record its attempt: too late, it is not its to record
    await firstPass;
    const victimRow = (await rowsOf([victim]))[0];
    assert.deepEqual([victimRow?.state, victimRow?.attempts], ['SENT', 2]);
  });

  test('a permanent 5xx marks the email FAILED with the reason and it is never tried again; a 4xx is tried again', async (t) => {
    const relay = await startTestSmtpServer(t);
    const mailer = createSmtpMailer({
      url: `smtp://127.0.0.1:${relay.port}`,
      timeoutMs: 2_000,
      maxConnections: 1,
    });
    t.after(() => mailer.close());
    const options = bed.senderOptions({ mailer });

    relay.answerRecipients(550);
    const [refused] = await queueApproved(1, uniqueAddress('refused'));
    assert.ok(refused);
    const report = await sendDueEmails(options);
    relay.answerRecipients(null);
    await new Promise((resolve) => setTimeout(resolve, 250)); // past any backoff
    await sendDueEmails(options);

    assert.deepEqual(report, { sent: 0, failed: 0, rejected: 1 });
    const [failed] = await rowsOf([refused]);
    assert.deepEqual([failed?.state, failed?.attempts], ['FAILED', 1]);
    assert.match(failed?.last_error ?? '', /550/);
    assert.deepEqual(relay.accepted, [], 'never sent');
    const view = await bed.app.inject({
      method: 'GET',
      url: `/api/v1/notifications?orderId=${refused.orderId}`,
      headers: asOperator,
    });
    assert.deepEqual(
      view
        .json()
        .notifications.map((n: { status: string; nextAttemptAt: string | null }) => [
          n.status,
          n.nextAttemptAt,
        ]),
      [['FAILED', null]],
    );

    relay.answerRecipients(451);
    const [deferred] = await queueApproved(1, uniqueAddress('deferred'));
    assert.ok(deferred);
    await sendDueEmails(options);
    const [waiting] = await rowsOf([deferred]);
    assert.deepEqual([waiting?.state, waiting?.attempts], ['PENDING', 1]);
    assert.match(waiting?.last_error ?? '', /451/);
    relay.answerRecipients(null);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the backoff after one failed attempt: 50 ms
    await sendDueEmails(options);
    const [sent] = await rowsOf([deferred]);
    assert.deepEqual([sent?.state, sent?.attempts], ['SENT', 2]);
  });

  test('SMTP_URL is honoured as given: smtps://, a login and TLS options, to another server than the mail sink', async (t) => {
    const login = { user: 'microshop', pass: 's3cret p@ss' };
    const relay = await startTestSmtpServer(t, { secure: true, login });
    const url = `smtps://${login.user}:${encodeURIComponent(login.pass)}@127.0.0.1:${relay.port}/?tls.rejectUnauthorized=false`;
    const config = loadConfig(notificationsConfig, { SMTP_URL: url });
    const mailer = createSmtpMailer(smtpOptionsOf(config));
    t.after(() => mailer.close());
    const to = uniqueAddress('relay');
    const [order] = await queueApproved(1, to);
    assert.ok(order);

    await sendDueEmails(bed.senderOptions({ mailer }));

    assert.equal((await rowsOf([order]))[0]?.state, 'SENT');
    assert.deepEqual(
      relay.accepted.map((message) => [message.user, message.secure, message.to]),
      [['microshop', true, [to]]],
    );
    assert.match(
      relay.accepted[0]?.raw ?? '',
      new RegExp(`Message-ID: <${order.orderId}\\.APPROVED@microshop>`, 'i'),
    );
    assert.deepEqual(bed.received(to), [], 'nothing went to the mail sink');
  });
});
