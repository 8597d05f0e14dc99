import { envHttpHost, envInteger, envLogLevel, envPort } from '@microshop/platform';
import { z } from 'zod';

/**
 * The environment of the mail sink, read once by main.ts. No database, no Kafka: it only listens
 * for SMTP (on 127.0.0.1, always) and serves what it received over HTTP.
 */
export const mailSinkConfig = z.object({
  HTTP_HOST: envHttpHost,
  HTTP_PORT: envPort(8025),
  LOG_LEVEL: envLogLevel,
  /** The dev stack's default; the test stack passes 12525. */
  SMTP_PORT: envPort(2525),
  /** Emails kept; past it the oldest is dropped. */
  MAIL_SINK_CAPACITY: envInteger({ min: 1, max: 1_000_000, default: 10_000 }),
  /** Larger messages are refused with 552. With the capacity, bounds the memory used. */
  MAIL_SINK_MAX_MESSAGE_BYTES: envInteger({ min: 1_024, max: 50 * 1024 * 1024, default: 1024 * 1024 }),
  /** Where every email received survives a restart; unset: in memory only. */
  DATA_DIR: z.string().min(1).optional(),
});
export type MailSinkConfig = z.output<typeof mailSinkConfig>;
