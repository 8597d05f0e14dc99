import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type Journal, memoryJournal, openJournal } from '@microshop/platform';
import { z } from 'zod';
import type { ParsedMessage } from '../domain/message.ts';

/**
 * The received emails. In memory, bounded: past `capacity` the oldest email is dropped from the
 * list, so a long-running stack (or a benchmark) cannot grow the process without limit. Every email
 * is also appended to a journal (the kit's JSON-lines file under DATA_DIR, on disk before the SMTP
 * server answers 250 or an HTTP answer lists it: `synced`), so a restarted sink still lists what it
 * received, and the chaos run can audit
 * every email ever received, the dropped and emptied ones included: emptying the mailbox is a line of
 * its own, which a restart honours.
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
  /** Resolves once every email added (and every emptying) so far is on disk. */
  synced(): Promise<void>;
}

export interface MailboxOptions {
  capacity: number;
  /** Where every email (and every emptying) is kept; default: in memory only. */
  journal?: Journal<MailboxRecord>;
  now?: () => Date;
  newId?: () => string;
}

export function createMailbox(options: MailboxOptions): Mailbox {
  if (!Number.isInteger(options.capacity) || options.capacity < 1) {
    throw new RangeError(`mailbox capacity must be a positive integer, got ${options.capacity}`);
  }
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const journal = options.journal ?? memoryJournal<MailboxRecord>();
  let mails: StoredMail[] = listed(journal.records).slice(-options.capacity); // oldest first
  return {
    add(message, recipients) {
      const mail: StoredMail = {
        id: newId(),
        ...message,
        to: [...recipients],
        receivedAt: now().toISOString(),
      };
      journal.append({ type: 'received', mail });
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
      journal.append({ type: 'emptied', at: now().toISOString() });
      const count = mails.length;
      mails = [];
      return count;
    },
    get size() {
      return mails.length;
    },
    capacity: options.capacity,
    synced: () => journal.synced(),
  };
}

function matches(mail: StoredMail, filter: MailFilter): boolean {
  const to = filter.to?.toLowerCase();
  if (to !== undefined && !mail.to.some((address) => address.toLowerCase() === to)) return false;
  const subject = filter.subject?.toLowerCase();
  return subject === undefined || mail.subject.toLowerCase().includes(subject);
}

/** A line of the mailbox's journal: an email received, or the mailbox emptied. */
export type MailboxRecord = { type: 'received'; mail: StoredMail } | { type: 'emptied'; at: string };

/** The emails listed after `records`: every one received since the last emptying, oldest first. */
function listed(records: readonly MailboxRecord[]): StoredMail[] {
  const emptied = records.findLastIndex((record) => record.type === 'emptied');
  return records.slice(emptied + 1).flatMap((record) => (record.type === 'received' ? [record.mail] : []));
}

export const journalFile = 'mailbox.jsonl';

/** The mailbox's journal under `dataDir`; in memory only without a data directory (tests, a quick run). */
export function openMailJournal(dataDir: string | undefined): Journal<MailboxRecord> {
  if (dataDir === undefined) return memoryJournal();
  return openJournal(join(dataDir, journalFile), (value) => mailboxRecordSchema.parse(value));
}

/** An email as the mailbox keeps it (and as the HTTP API shows it). */
export const storedMailSchema = z.object({
  id: z.string(),
  messageId: z.string().nullable(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  receivedAt: z.string(),
});

const mailboxRecordSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('received'), mail: storedMailSchema }),
  z.object({ type: z.literal('emptied'), at: z.string() }),
]);
