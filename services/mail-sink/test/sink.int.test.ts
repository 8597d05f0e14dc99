import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createLogger, createMetrics, type LogLevel } from '@microshop/platform';
import { testAccess } from '@microshop/platform/testing';
import nodemailer from 'nodemailer';
import { startSmtpSink } from '../src/handlers/smtp.ts';
import { build } from '../src/http/routes.ts';
import { createMailbox, type StoredMail } from '../src/store/mailbox.ts';

// The sink as the notifications service and the console use it: a real nodemailer client sends over
// SMTP, the emails are read back over HTTP (inject, no port).

const logger = createLogger({
  service: 'mail-sink-test',
  level: (process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent',
});
const { issuer, access, asOperator } = await testAccess();
const mailbox = createMailbox({ capacity: 100 });
const smtp = await startSmtpSink({ mailbox, port: 0, logger, maxMessageBytes: 64 * 1024 });
const app = await build({
  mailbox,
  logger,
  metrics: createMetrics('mail-sink-test'),
  readiness: [{ name: 'smtp', check: () => smtp.listening }],
  access,
});
const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false });
after(async () => {
  transport.close();
  await app.close();
  await smtp.close();
});

const from = 'microshop <orders@microshop.local>';

async function list(query = ''): Promise<StoredMail[]> {
  const response = await app.inject({ method: 'GET', url: `/api/v1/mail${query}`, headers: asOperator });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().messages;
}

describe('the mail sink', () => {
  test('plain, UTF-8 subject, quoted-printable and base64 emails from nodemailer are listed newest first, parsed', async () => {
    await app.inject({ method: 'DELETE', url: '/api/v1/mail', headers: asOperator });
    await transport.sendMail({ from, to: 'ann@example.com', subject: 'Plain', text: 'Line 1\nLine 2' });
    await transport.sendMail({
      from,
      to: 'ann@example.com',
      subject: 'Bestätigung – Größe ✓',
      text: `Grüße ${'é'.repeat(90)} = fin`,
      textEncoding: 'quoted-printable',
    });
    await transport.sendMail({
      from,
      to: 'bob@example.com',
      bcc: 'audit@example.com',
      subject: 'Base64',
      text: 'Grüße\nbase64 ✓',
      textEncoding: 'base64',
      messageId: '<order-1.APPROVED@microshop>',
    });

    const [base64, quoted, plain, ...rest] = await list();

    assert.equal(rest.length, 0);
    assert.deepEqual(
      { ...base64, id: undefined, receivedAt: undefined },
      {
        id: undefined,
        receivedAt: undefined,
        messageId: '<order-1.APPROVED@microshop>',
        from,
        to: ['bob@example.com', 'audit@example.com'],
        subject: 'Base64',
        text: 'Grüße\nbase64 ✓',
      },
    );
    assert.equal(quoted?.subject, 'Bestätigung – Größe ✓');
    assert.equal(quoted?.text, `Grüße ${'é'.repeat(90)} = fin`);
    assert.equal(plain?.text, 'Line 1\nLine 2');
    assert.match(plain?.messageId ?? '', /^<.+@microshop\.local>$/);
    assert.ok(Date.parse(plain?.receivedAt ?? '') <= Date.parse(base64?.receivedAt ?? ''));
  });

  test('filters by recipient and subject; one email is read by its id, an unknown id is a 404', async () => {
    await app.inject({ method: 'DELETE', url: '/api/v1/mail', headers: asOperator });
    await transport.sendMail({
      from,
      to: 'carol@example.com',
      subject: 'Your order is confirmed',
      text: 'a',
    });
    await transport.sendMail({
      from,
      to: 'carol@example.com',
      subject: 'Your order is on its way',
      text: 'b',
    });
    await transport.sendMail({ from, to: 'dave@example.com', subject: 'Your order is confirmed', text: 'c' });

    assert.deepEqual(
      (await list('?to=CAROL@example.com')).map((mail) => mail.text),
      ['b', 'a'],
    );
    assert.deepEqual(
      (await list(`?to=carol@example.com&subject=${encodeURIComponent('confirmed')}`)).map((m) => m.text),
      ['a'],
    );
    assert.deepEqual(
      (await list('?limit=1')).map((mail) => mail.text),
      ['c'],
    );

    const [newest] = await list();
    const one = await app.inject({ method: 'GET', url: `/api/v1/mail/${newest?.id}`, headers: asOperator });
    assert.equal(one.statusCode, 200);
    assert.deepEqual(one.json(), newest);
    const missing = await app.inject({ method: 'GET', url: '/api/v1/mail/no-such-id', headers: asOperator });
    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers['content-type']), /^application\/problem\+json/);
    const bad = await app.inject({ method: 'GET', url: '/api/v1/mail?limit=0', headers: asOperator });
    assert.equal(bad.statusCode, 400);
  });

  test('DELETE empties the mailbox and says how many emails it held', async () => {
    await app.inject({ method: 'DELETE', url: '/api/v1/mail', headers: asOperator });
    await transport.sendMail({ from, to: 'erin@example.com', subject: 'one', text: '1' });
    await transport.sendMail({ from, to: 'erin@example.com', subject: 'two', text: '2' });

    const cleared = await app.inject({ method: 'DELETE', url: '/api/v1/mail', headers: asOperator });

    assert.deepEqual(cleared.json(), { deleted: 2 });
    assert.deepEqual(await list(), []);
  });

  test('a message over the size limit is refused with 552 and not kept', async () => {
    await app.inject({ method: 'DELETE', url: '/api/v1/mail', headers: asOperator });

    await assert.rejects(
      () => transport.sendMail({ from, to: 'big@example.com', subject: 'big', text: 'x'.repeat(100 * 1024) }),
      (error: { responseCode?: number }) => error.responseCode === 552,
    );

    assert.deepEqual(await list(), []);
  });

  test('only operators read or empty the mailbox', async () => {
    const customer = (await issuer.customer()).headers;
    const answers = await Promise.all([
      app.inject({ method: 'GET', url: '/api/v1/mail' }),
      app.inject({ method: 'GET', url: '/api/v1/mail', headers: customer }),
      app.inject({ method: 'DELETE', url: '/api/v1/mail', headers: customer }),
    ]);
    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      [401, 403, 403],
    );
  });

  test('is ready while SMTP listens, and not after SMTP is closed', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
    const other = await startSmtpSink({ mailbox, port: 0, logger, maxMessageBytes: 1024 });
    const readiness = await build({
      mailbox,
      logger,
      metrics: createMetrics('mail-sink-test-2'),
      readiness: [{ name: 'smtp', check: () => other.listening }],
    });
    await other.close();
    assert.equal((await readiness.inject({ method: 'GET', url: '/ready' })).statusCode, 503);
    await readiness.close();
  });
});
