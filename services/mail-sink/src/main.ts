import { createFaultSwitch, defineService, runStandalone } from '@microshop/platform';
import { mailSinkConfig } from './config.ts';
import { type SmtpOutage, startSmtpSink } from './handlers/smtp.ts';
import { build } from './http/routes.ts';
import { createMailbox, openMailJournal } from './store/mailbox.ts';

// The one wiring place of the mail sink: the mailbox (kept in DATA_DIR/mailbox.jsonl, in memory
// without it), its HTTP routes with the outage switch, and the SMTP server that fills it and obeys the
// switch. No database, no Kafka. The kit starts HTTP (so /health answers), then SMTP as a background
// part whose check (`smtp`: the port listens, or refuses on purpose) is behind /ready; stop runs
// backwards. Run alone with `node services/mail-sink/src/main.ts` (the stack runner waits for GET /ready).

export const service = defineService({
  name: 'mail-sink',
  config: mailSinkConfig,
  wire: ({ config, logger, onStop }) => {
    const journal = openMailJournal(config.DATA_DIR);
    onStop('mailbox journal', () => journal.close());
    const mailbox = createMailbox({ capacity: config.MAIL_SINK_CAPACITY, journal });
    const faults = createFaultSwitch<SmtpOutage>();
    return {
      http: (base) => build({ ...base, mailbox, faults }),
      background: {
        smtp: async () => {
          const smtp = await startSmtpSink({
            mailbox,
            port: config.SMTP_PORT,
            logger,
            maxMessageBytes: config.MAIL_SINK_MAX_MESSAGE_BYTES,
            faults,
          });
          return { stop: () => smtp.close(), check: () => smtp.listening };
        },
      },
    };
  },
});

if (import.meta.main) await runStandalone(service);
