import { after } from 'node:test';
import {
  asMessageHandler,
  createLogger,
  createMetrics,
  type HandlerContext,
  type HttpApp,
  type Logger,
  type LogLevel,
  type MessageHandler,
} from '@microshop/platform';
import { consumedMessage, type TestSchema } from '@microshop/platform/testing';
import { type SmtpSink, startSmtpSink } from '../../mail-sink/src/handlers/smtp.ts';
import { createMailbox, type Mailbox, type StoredMail } from '../../mail-sink/src/store/mailbox.ts';
import { createSmtpMailer, type Mailer } from '../src/clients/smtp-mailer.ts';
import type { GracePeriods } from '../src/domain/emails.ts';
import { type NotificationsHandlerOptions, notificationsHandler } from '../src/handlers/messages.ts';
import { build } from '../src/http/routes.ts';
import { type MailSenderOptions, sendDueEmails } from '../src/tasks/mail-sender.ts';
import { migratedSchema } from './harness.ts';

// What the email integration tests share: a migrated schema, a real mail-sink (in-process, SMTP on
// a free port, stoppable for outages), a real nodemailer mailer pointed at it, the service's handler
// and HTTP app. One bed per test file, made at the file's top level.

export const logger = createLogger({
  service: 'notifications-test',
  level: (process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent',
});

export const topics = {
  orderEvents: 'microshop.order-outbox',
  customers: 'microshop.customers',
  payments: 'microshop.payments',
  shipments: 'microshop.shipments',
};

export const mailFrom = 'microshop <orders@microshop.local>';
export const grace: GracePeriods = {
  customerMs: 5_000,
  trackingMs: 10_000,
  refundMs: 10_000,
};

export interface EmailTestBed {
  db: TestSchema;
  mailbox: Mailbox;
  mailer: Mailer;
  app: HttpApp;
  smtpUrl: string;
  /** Stops the SMTP server: connections are refused until `startSink`. */
  stopSink(): Promise<void>;
  /** A new SMTP server on the same port (the mailbox is kept). */
  startSink(): Promise<void>;
  /** The handler with these test's defaults, `overrides` applied. */
  handler(overrides?: Partial<NotificationsHandlerOptions>): MessageHandler;
  /** Hands each event to the default handler as the consumer would, from the topic its type belongs to. */
  deliver(...events: { id: string; type: string }[]): Promise<void>;
  senderOptions(overrides?: Partial<MailSenderOptions>): MailSenderOptions;
  /** One sender pass, as the loop runs it. */
  sendNow(): Promise<void>;
  /** What reached the sink for `to`, newest first. */
  received(to: string): StoredMail[];
}

export async function emailTestBed(prefix: string): Promise<EmailTestBed> {
  const db = await migratedSchema(prefix);
  const mailbox = createMailbox({ capacity: 10_000 });
  const startOn = (port: number) =>
    startSmtpSink({ mailbox, port, logger, maxMessageBytes: 1024 * 1024, closeTimeoutMs: 50 });
  let sink: SmtpSink = await startOn(0);
  const port = sink.port;
  const smtpUrl = `smtp://127.0.0.1:${port}`;
  const mailer = createSmtpMailer({ url: smtpUrl, timeoutMs: 2_000, maxConnections: 3 });
  const app = await build({ pool: db.pool, logger, metrics: createMetrics('notifications-test') });
  after(async () => {
    mailer.close();
    await app.close();
    await sink.close();
  });

  const handler = (overrides: Partial<NotificationsHandlerOptions> = {}) => {
    const options = {
      pool: db.pool,
      consumer: 'notifications',
      topics,
      routing: { graceMs: grace.customerMs, topicPrefix: 'microshop.orders-' },
      emails: { grace },
      ...overrides,
    };
    return asMessageHandler(notificationsHandler(options), options);
  };
  const defaultHandler = handler();
  const senderOptions = (overrides: Partial<MailSenderOptions> = {}): MailSenderOptions => ({
    pool: db.pool,
    mailer,
    from: mailFrom,
    backoff: { initialMs: 50, maxMs: 200 },
    logger,
    ...overrides,
  });

  return {
    db,
    mailbox,
    mailer,
    app,
    smtpUrl,
    stopSink: () => sink.close(),
    startSink: async () => {
      sink = await startOn(port);
    },
    handler,
    deliver: async (...events) => {
      for (const event of events)
        await defaultHandler(consumedMessage(event, { topic: topicOf(event.type) }), context());
    },
    senderOptions,
    sendNow: async () => {
      await sendDueEmails(senderOptions());
    },
    received: (to) => mailbox.list({ to }),
  };
}

export function context(log: Logger = logger): HandlerContext {
  return { attempt: 1, signal: new AbortController().signal, logger: log };
}

export function topicOf(type: string): string {
  if (type.startsWith('Customer')) return topics.customers;
  if (type.startsWith('Payment')) return topics.payments;
  if (type.startsWith('Shipment')) return topics.shipments;
  return topics.orderEvents;
}

/** A logger that keeps every line at `level` and above, for asserting on warnings. */
export function capturingLogger(level: LogLevel = 'warn'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({
    service: 'notifications-test',
    level,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { log, lines };
}
