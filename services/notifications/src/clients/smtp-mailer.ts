import nodemailer from 'nodemailer';

/**
 * The SMTP side of the sender loop, through nodemailer: a pooled transport to `SMTP_URL` (dev and
 * test: the stack's mail-sink), with timeouts so a server that accepts the connection and then says
 * nothing costs one attempt, not a stuck sender.
 */

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** `<{orderId}.{status}@microshop>`: the same on every attempt. */
  messageId: string;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the message; rejects otherwise. */
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

export interface SmtpMailerOptions {
  /** `smtp://host:port` (or `smtps://`, with credentials in the URL if the server wants them). */
  url: string;
  /** For connecting, the greeting and any silence on the socket. */
  timeoutMs: number;
  /** Simultaneous SMTP connections. */
  maxConnections: number;
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    // The text is ours, but never let a message field make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    send: async (email) => {
      await transport.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        messageId: email.messageId,
      });
    },
    close: () => transport.close(),
  };
}
