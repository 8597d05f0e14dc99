import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, serveIssuer, startService, testAccess } from '@microshop/platform/testing';
import nodemailer from 'nodemailer';

// The sink as the stack runner starts it: `node src/main.ts` with its environment, until /ready.

const mainFile = new URL('../src/main.ts', import.meta.url);

test('the process becomes ready with SMTP listening, lists an email it received and stops cleanly', async (t) => {
  const smtpPort = await freePort();
  const { issuer, asOperator } = await testAccess();
  const trusted = await serveIssuer(issuer, t);
  const service = await startService(
    mainFile,
    { ...trusted.env, SMTP_PORT: String(smtpPort), LOG_LEVEL: 'info' },
    t,
  );

  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false });
  await transport.sendMail({
    from: 'microshop <orders@microshop.local>',
    to: 'ann@example.com',
    subject: 'Your order is confirmed',
    text: 'We charged 25.00 EUR.',
  });
  transport.close();
  const response = await fetch(`${service.base}/api/v1/mail?to=ann@example.com`, { headers: asOperator });
  const listed = (await response.json()) as { messages: { subject: string; text: string }[] };
  assert.deepEqual(
    listed.messages.map((mail) => [mail.subject, mail.text]),
    [['Your order is confirmed', 'We charged 25.00 EUR.']],
  );

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});
