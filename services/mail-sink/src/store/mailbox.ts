import { randomUUID } from 'node:crypto';
import type { ParsedMessage } from '../domain/message.ts';

/**
 * The received emails, in memory only: the sink is a development tool, and a restart starting
 * empty is what a developer expects. Bounded: past `capacity` the oldest email is dropped, so a
 * long-running stack (or a benchmark) cannot grow the process without limit.
 */

export interface StoredMail extends ParsedMessage {
  id: string;
  /** The envelope recipients (RCPT TO), which include Bcc: where the sink really delivered it. */
  to: string[];
  receivedAt: string;
}

export interface MailFilter {
  /** One of the recipients, compared without case. */
  to?: string;
  /** A part of the subject, compared without case. */
  subject?: string;
  limit?: number;
}

export interface Mailbox {
  add(message: ParsedMessage, recipients: readonly string[]): StoredMail;
  /** Newest first. */
  list(filter?: MailFilter): StoredMail[];
  get(id: string): StoredMail | undefined;
  /** Removes every email; returns how many there were. */
  clear(): number;
  readonly size: number;
  readonly capacity: number;
}

export interface MailboxOptions {
  capacity: number;
  now?: () => Date;
  newId?: () => string;
}

export function createMailbox(options: MailboxOptions): Mailbox {
  if (!Number.isInteger(options.capacity) || options.capacity < 1) {
    throw new RangeError(`mailbox capacity must be a positive integer, got ${options.capacity}`);
  }
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  let mails: StoredMail[] = []; // oldest first
  return {
    add(message, recipients) {
      const mail: StoredMail = {
        id: newId(),
        ...message,
        to: [...recipients],
        receivedAt: now().toISOString(),
      };
      mails.push(mail);
      if (mails.length > options.capacity) mails.splice(0, mails.length - options.capacity);
      return mail;
    },
    list(filter = {}) {
      const found: StoredMail[] = [];
      const limit = filter.limit ?? Number.POSITIVE_INFINITY;
      for (let i = mails.length - 1; i >= 0 && found.length < limit; i--) {
        const mail = mails[i];
        if (mail !== undefined && matches(mail, filter)) found.push(mail);
      }
      return found;
    },
    get: (id) => mails.find((mail) => mail.id === id),
    clear() {
      const count = mails.length;
      mails = [];
      return count;
    },
    get size() {
      return mails.length;
    },
    capacity: options.capacity,
  };
}

function matches(mail: StoredMail, filter: MailFilter): boolean {
  const to = filter.to?.toLowerCase();
  if (to !== undefined && !mail.to.some((address) => address.toLowerCase() === to)) return false;
  const subject = filter.subject?.toLowerCase();
  return subject === undefined || mail.subject.toLowerCase().includes(subject);
}
