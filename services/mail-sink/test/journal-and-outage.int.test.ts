import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createFaultSwitch, createLogger, createMetrics, type LogLevel } from '@microshop/platform';
import { freePort, serveIssuer, startService, testAccess } from '@microshop/platform/testing';
import nodemailer from 'nodemailer';
import { type SmtpOutage, startSmtpSink } from '../src/handlers/smtp.ts';
import { build } from '../src/http/routes.ts';
import { createMailbox, openMailJournal } from '../src/store/mailbox.ts';

// The mailbox outlives a restart, and an operator's outage makes the SMTP side refuse connections or
// answer 4xx/5xx without losing what it holds.

const logger = createLogger({
  service: 'mail-sink-test',
  level: (process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent',
});
const dataDir = mkdtempSync(join(tmpdir(), 'mail-sink-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const from = 'microshop <orders@microshop.local>';

function send(port: number, to: string, subject: string) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false });
  return transport.sendMail({ from, to, subject, text: 'hello' }).finally(() => transport.close());
}

describe('the mailbox on disk', () => {
  test('a mailbox read back from its journal lists what was received, newest first, the newest `capacity` of it', async () => {
    const dir = join(dataDir, 'mailbox');
    const first = openMailJournal(dir);
    const mailbox = createMailbox({ capacity: 10, journal: first });
    const message = { messageId: null, from, text: 'hi' };
    for (const subject of ['one', 'two', 'three']) mailbox.add({ ...message, subject }, ['ann@example.com']);
    await first.close();

    const again = openMailJournal(dir);
    const reopened = createMailbox({ capacity: 2, journal: again });
    await again.close();

    assert.deepEqual(
      reopened.list().map((mail) => mail.subject),
      ['three', 'two'],
    );
    assert.deepEqual(reopened.list()[0]?.to, ['ann@example.com']);
  });

  test('a mailbox emptied stays empty after a restart, and what came after is listed', async () => {
    const dir = join(dataDir, 'emptied');
    const first = openMailJournal(dir);
    const mailbox = createMailbox({ capacity: 10, journal: first });
    const message = { messageId: null, from, text: 'hi' };
    mailbox.add({ ...message, subject: 'old' }, ['ann@example.com']);
    mailbox.clear();
    mailbox.add({ ...message, subject: 'new' }, ['ann@example.com']);
    await first.close();

    const again = openMailJournal(dir);
    assert.deepEqual(
      createMailbox({ capacity: 10, journal: again })
        .list()
        .map((mail) => mail.subject),
      ['new'],
    );
    assert.equal(again.records.length, 3, 'the journal keeps every email, the emptied ones too');
    await again.close();
  });
});

describe("an operator's SMTP outage", () => {
  test('refuse-connections closes the port until it ends; reject answers with the code asked for; the mail kept stays', async (t) => {
    const faults = createFaultSwitch<SmtpOutage>();
    const mailbox = createMailbox({ capacity: 100 });
    const smtp = await startSmtpSink({
      mailbox,
      port: 0,
      logger,
      maxMessageBytes: 64 * 1024,
      closeTimeoutMs: 50,
      faults,
    });
    const app = await build({ mailbox, faults, logger, metrics: createMetrics('mail-sink-test') });
    t.after(async () => {
      await app.close();
      await smtp.close();
    });
    const outage = (payload: unknown) =>
      app.inject({ method: 'PUT', url: '/api/v1/outage', payload: payload as object });
    await send(smtp.port, 'ann@example.com', 'before');

    assert.equal((await outage({ fault: { mode: 'refuse-connections' } })).statusCode, 200);
    await assert.rejects(send(smtp.port, 'ann@example.com', 'refused'), /ECONNREFUSED/);
    assert.equal(smtp.listening, true, 'refusing on purpose is not a failure');

    await outage({ fault: { mode: 'reject', code: 451 } });
    await assert.rejects(
      send(smtp.port, 'ann@example.com', 'deferred'),
      (error: { responseCode?: number }) => {
        assert.equal(error.responseCode, 451);
        return true;
      },
    );
    await outage({ fault: { mode: 'reject', code: 550, message: 'No thanks' } });
    await assert.rejects(send(smtp.port, 'ann@example.com', 'rejected'), /550 No thanks/);

    const ended = await app.inject({ method: 'DELETE', url: '/api/v1/outage' });
    assert.equal(ended.json().active, false);
    await send(smtp.port, 'ann@example.com', 'after');
    assert.deepEqual(
      mailbox.list().map((mail) => mail.subject),
      ['after', 'before'],
    );
  });
});

test('the process keeps its mailbox in DATA_DIR across a restart', async (t) => {
  const mainFile = new URL('../src/main.ts', import.meta.url);
  const smtpPort = await freePort();
  const { issuer, asOperator } = await testAccess();
  const trusted = await serveIssuer(issuer, t);
  const env = {
    ...trusted.env,
    SMTP_PORT: String(smtpPort),
    DATA_DIR: join(dataDir, 'process'),
    LOG_LEVEL: 'warn',
  };
  const first = await startService(mainFile, env, t);
  await send(smtpPort, 'bob@example.com', 'Your order is confirmed');
  assert.equal(await first.stop(), 0, first.output.join(''));

  const second = await startService(mainFile, env, t);
  const mail = await fetch(`${second.base}/api/v1/mail?to=bob@example.com`, { headers: asOperator });
  const listed = (await mail.json()) as {
    messages: { subject: string }[];
  };
  assert.equal(await second.stop(), 0, second.output.join(''));

  assert.deepEqual(
    listed.messages.map((mail) => mail.subject),
    ['Your order is confirmed'],
  );
});
