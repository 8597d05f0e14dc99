import { defineService, runStandalone } from '@microshop/platform';
import { mailSinkConfig } from './config.ts';
import { startSmtpSink } from './handlers/smtp.ts';
import { build } from './http/routes.ts';
import { createMailbox } from './store/mailbox.ts';

// The one wiring place of the mail sink: the mailbox, its HTTP routes and the SMTP server that fills
// it. No database, no Kafka. The kit starts HTTP (so /health answers), then SMTP as a background part
// whose check (`smtp`: the port listens) is behind /ready; stop runs backwards. Run alone with
// `node services/mail-sink/src/main.ts` (the stack runner waits for GET /ready).

export const service = defineService({
  name: 'mail-sink',
  config: mailSinkConfig,
  wire: ({ config, logger }) => {
    const mailbox = createMailbox({ capacity: config.MAIL_SINK_CAPACITY });
    return {
      http: (base) => build({ ...base, mailbox }),
      background: {
        smtp: async () => {
          const smtp = await startSmtpSink({
            mailbox,
            port: config.SMTP_PORT,
            logger,
            maxMessageBytes: config.MAIL_SINK_MAX_MESSAGE_BYTES,
          });
          return { stop: () => smtp.close(), check: () => smtp.listening };
        },
      },
    };
  },
});

if (import.meta.main) await runStandalone(service);
