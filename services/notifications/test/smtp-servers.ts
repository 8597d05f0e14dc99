import type { AddressInfo } from 'node:net';
import type { CleanupRegistrar } from '@microshop/platform/testing';
import { SMTPServer } from 'smtp-server';

// An SMTP server of a test's own, apart from the mail sink: a relay that wants a login (optionally
// over TLS, with smtp-server's built-in self-signed certificate), or one that answers every
// recipient with a given code. Keeps what it accepted.

export interface AcceptedMessage {
  /** The user the client logged in as; null without a login. */
  user: string | null;
  /** Whether the connection was TLS from the start (smtps://). */
  secure: boolean;
  to: string[];
  /** The raw message. */
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  accepted: AcceptedMessage[];
  /** From now on every recipient is answered with `code` (4xx, 5xx); null to accept again. */
  answerRecipients(code: number | null): void;
}

export interface TestSmtpServerOptions {
  secure?: boolean;
  /** The only login accepted; without it no login is asked for. */
  login?: { user: string; pass: string };
}

export async function startTestSmtpServer(
  t: CleanupRegistrar,
  options: TestSmtpServerOptions = {},
): Promise<TestSmtpServer> {
  const accepted: AcceptedMessage[] = [];
  let recipientCode: number | null = null;
  const login = options.login;
  const server = new SMTPServer({
    secure: options.secure ?? false,
    // No STARTTLS on a plain server: smtp-server's built-in certificate would fail the client's upgrade.
    ...(options.secure === true ? {} : { disabledCommands: ['STARTTLS'] }),
    authOptional: login === undefined,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    // On close, a client's pooled connection still open is cut at once.
    closeTimeout: 50,
    onAuth: (auth, _session, callback) => {
      if (login !== undefined && auth.username === login.user && auth.password === login.pass) {
        callback(null, { user: auth.username });
      } else callback(new Error('Invalid username or password'));
    },
    onRcptTo: (_address, _session, callback) => {
      if (recipientCode === null) return callback();
      callback(
        Object.assign(new Error(`recipient refused (${recipientCode})`), { responseCode: recipientCode }),
      );
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        accepted.push({
          user: typeof session.user === 'string' ? session.user : null,
          secure: session.secure,
          to: session.envelope.rcptTo.map((address) => address.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  server.on('error', () => {}); // a client dropping its connection is not the test's business
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted,
    answerRecipients: (code) => {
      recipientCode = code;
    },
  };
}
