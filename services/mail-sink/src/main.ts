import { createMetrics, runService } from '@microshop/platform';
import { mailSinkConfig } from './config.ts';
import { startSmtpSink } from './handlers/smtp.ts';
import { buildHttp } from './http/routes.ts';
import { createMailbox } from './store/mailbox.ts';

// The one wiring place of the mail sink (started as `node services/mail-sink/src/main.ts`; the
// stack runner waits for GET /ready, which answers once SMTP is listening).
// Start order: HTTP (so /health answers) → SMTP; stop runs backwards.

await runService({
  name: 'mail-sink',
  config: mailSinkConfig,
  start: async ({ config, logger, onStop }) => {
    const mailbox = createMailbox({ capacity: config.MAIL_SINK_CAPACITY });
    let smtpListening = false;
    const app = await buildHttp({
      mailbox,
      logger,
      metrics: createMetrics('mail-sink'),
      readiness: [{ name: 'smtp', check: () => smtpListening }],
    });
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    onStop('http', () => app.close());

    const smtp = await startSmtpSink({
      mailbox,
      port: config.SMTP_PORT,
      logger,
      maxMessageBytes: config.MAIL_SINK_MAX_MESSAGE_BYTES,
    });
    onStop('smtp', async () => {
      smtpListening = false;
      await smtp.close();
    });
    smtpListening = smtp.listening;
  },
});
