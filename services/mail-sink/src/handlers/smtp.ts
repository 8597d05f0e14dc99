import type { AddressInfo } from 'node:net';
import type { Logger } from '@microshop/platform';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Mailbox, StoredMail } from '../store/mailbox.ts';
import { parseMessage } from './parse-message.ts';

/**
 * The SMTP side of the sink: accepts every message (no auth, no TLS, any sender and recipient) and
 * puts it in the mailbox. It always binds to 127.0.0.1: an open, unauthenticated SMTP port is for
 * this machine only.
 */

export const smtpHost = '127.0.0.1';

export interface SmtpSinkOptions {
  mailbox: Mailbox;
  /** 0 picks a free port (tests); read the real one from `port`. */
  port: number;
  logger: Logger;
  /** Larger messages are refused with 552 (the SIZE extension advertises it). */
  maxMessageBytes: number;
  /** On close, clients still connected after this long are told 421 and disconnected. Default 1 s. */
  closeTimeoutMs?: number;
  /** Called with every email stored (tests wait on it). */
  onStored?: (mail: StoredMail) => void;
}

export interface SmtpSink {
  readonly port: number;
  readonly listening: boolean;
  /** Stops accepting, closes open client connections; resolves when the port is free. */
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const logger = options.logger.child({ component: 'smtp' });
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'microshop mail-sink',
    size: options.maxMessageBytes,
    closeTimeout: options.closeTimeoutMs ?? 1_000,
    logger: false,
    onData: (stream, session, callback) => {
      receive(stream, session, options, logger).then(
        (reply) => callback(null, reply),
        (error: Error) => callback(error),
      );
    },
  });
  // Client errors (a dropped connection) arrive here too; without a listener they would crash the process.
  server.on('error', (error) => logger.warn({ err: error }, 'smtp error'));
  await listen(server, options.port);
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ host: smtpHost, port }, 'smtp listening');
  let listening = true;
  let closing: Promise<void> | undefined;
  return {
    port,
    get listening() {
      return listening;
    },
    close() {
      listening = false;
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}

function listen(server: SMTPServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject); // e.g. EADDRINUSE
    server.listen(port, smtpHost, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
}

async function receive(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  options: SmtpSinkOptions,
  logger: Logger,
): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (stream.sizeExceeded) {
    throw Object.assign(new Error(`message exceeds ${options.maxMessageBytes} bytes`), { responseCode: 552 });
  }
  const recipients = session.envelope.rcptTo.map((address) => address.address);
  const mail = options.mailbox.add(await parseMessage(Buffer.concat(chunks)), recipients);
  logger.info(
    { id: mail.id, messageId: mail.messageId, to: mail.to, subject: mail.subject },
    'email received',
  );
  options.onStored?.(mail);
  return `Queued as ${mail.id}`;
}
