import type { AddressInfo } from 'node:net';
import type { FaultSwitch, Logger } from '@microshop/platform';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Mailbox, StoredMail } from '../store/mailbox.ts';
import { parseMessage } from './parse-message.ts';

/**
 * The SMTP side of the sink: accepts every message (no auth, no TLS, any sender and recipient) and
 * puts it in the mailbox. It always binds to 127.0.0.1: an open, unauthenticated SMTP port is for
 * this machine only. An operator's outage (the chaos run) makes it refuse connections (the port is
 * closed until the outage ends) or answer every message with a 4xx or 5xx code.
 */

export const smtpHost = '127.0.0.1';

/** What an outage does to the SMTP side. */
export type SmtpOutage =
  /** The port stops listening (connections refused); open connections are closed with 421. */
  | { mode: 'refuse-connections' }
  /** Every MAIL FROM is answered with `code` (4xx: try later; 5xx: refused for good). */
  | { mode: 'reject'; code: number; message: string };

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
  /** The outage switch the sink obeys; none: it always accepts. */
  faults?: FaultSwitch<SmtpOutage>;
}

export interface SmtpSink {
  readonly port: number;
  /** True while it can take mail or refuses it on purpose (an outage); false once closed. */
  readonly listening: boolean;
  /** Stops accepting, closes open client connections; resolves when the port is free. */
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const logger = options.logger.child({ component: 'smtp' });
  let server = createServer(options, logger);
  await listen(server, options.port);
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ host: smtpHost, port }, 'smtp listening');
  let state: 'open' | 'refusing' | 'closed' = 'open';
  let changing: Promise<void> = Promise.resolve();
  // One change at a time: the port is closed before it is opened again.
  options.faults?.onChange((fault) => {
    changing = changing.then(async () => {
      const refuse = fault?.mode === 'refuse-connections';
      if (state === 'open' && refuse) {
        state = 'refusing';
        await closeServer(server);
        logger.warn({ port }, 'smtp refusing connections (outage)');
      } else if (state === 'refusing' && !refuse) {
        server = createServer(options, logger);
        await listen(server, port);
        if (state === 'refusing') state = 'open'; // unless closed meanwhile
        logger.info({ port }, 'smtp listening again');
      }
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port,
    get listening() {
      return state !== 'closed';
    },
    close() {
      state = 'closed';
      // After any change under way: whichever server is listening then is the one to close.
      closing ??= changing.then(() => (server.server.listening ? closeServer(server) : undefined));
      return closing;
    },
  };
}

function createServer(options: SmtpSinkOptions, logger: Logger): SMTPServer {
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'microshop mail-sink',
    size: options.maxMessageBytes,
    closeTimeout: options.closeTimeoutMs ?? 1_000,
    logger: false,
    onMailFrom: (_address, _session, callback) => callback(rejection(options.faults)),
    onData: (stream, session, callback) => {
      receive(stream, session, options, logger).then(
        (reply) => callback(null, reply),
        (error: Error) => callback(error),
      );
    },
  });
  // Client errors (a dropped connection) arrive here too; without a listener they would crash the process.
  server.on('error', (error) => logger.warn({ err: error }, 'smtp error'));
  return server;
}

/** The answer an outage gives to MAIL FROM; null (go on) without one. */
function rejection(faults: FaultSwitch<SmtpOutage> | undefined): Error | null {
  const fault = faults?.current();
  if (fault?.mode !== 'reject') return null;
  return Object.assign(new Error(fault.message), { responseCode: fault.code });
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

function closeServer(server: SMTPServer): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
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
  await options.mailbox.synced(); // 250 only once the email is on disk
  logger.info(
    { id: mail.id, messageId: mail.messageId, to: mail.to, subject: mail.subject },
    'email received',
  );
  options.onStored?.(mail);
  return `Queued as ${mail.id}`;
}
