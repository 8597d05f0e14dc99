// The customer emails as end-to-end tests see them: what the notifications service queued and sent
// (`GET /api/v1/notifications?orderId=`, through the gateway) and what the stack's SMTP server, the
// mail sink, really received (its HTTP mailbox on the mail-sink instance).
import assert from 'node:assert/strict';
import { api, eventually } from './api.ts';
import { theInstanceOf } from './stack.ts';

/** The subject of each status's email (services/notifications/README.md). */
export const emailSubjects: Record<string, string> = {
  APPROVED: 'Your order is confirmed',
  SHIPPED: 'Your order is on its way',
  DELIVERED: 'Your order has been delivered',
  FAILED: 'We could not complete your order',
  CANCELLED: 'Your order has been cancelled',
};

export interface Mail {
  id: string;
  messageId: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  receivedAt: string;
}

export interface Notification {
  orderStatus: string;
  status: 'PENDING' | 'SENDING' | 'SENT' | 'FAILED';
  to: string;
  subject: string;
  attempts: number;
  lastError: string | null;
}

export function mailSinkUrl(): string {
  return theInstanceOf('mail-sink').url;
}

/** Every email the sink holds for the address, newest first. */
export async function mailbox(address: string): Promise<Mail[]> {
  const res = await api<{ messages: Mail[] }>(
    'GET',
    `/api/v1/mail?to=${encodeURIComponent(address)}&limit=1000`,
    { baseUrl: mailSinkUrl() },
  );
  assert.equal(res.status, 200, `mailbox of ${address} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.messages;
}

/** The status an email of the order is about, read from its Message-ID `<{orderId}.{status}@microshop>`. */
export function statusOfMail(mail: Mail, orderId: string): string | undefined {
  const prefix = `<${orderId}.`;
  const id = mail.messageId ?? '';
  return id.startsWith(prefix) && id.endsWith('@microshop>')
    ? id.slice(prefix.length, -'@microshop>'.length)
    : undefined;
}

/** The emails about the order in the address's mailbox, per status. */
export async function mailsByStatus(address: string, orderId: string): Promise<Record<string, Mail[]>> {
  const byStatus: Record<string, Mail[]> = {};
  for (const mail of await mailbox(address)) {
    const status = statusOfMail(mail, orderId);
    if (status) byStatus[status] = [...(byStatus[status] ?? []), mail];
  }
  return byStatus;
}

/** How many emails per status, e.g. `{APPROVED: 1, SHIPPED: 1}`. */
export function countsOf(byStatus: Record<string, Mail[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(byStatus).map(([status, mails]) => [status, mails.length]));
}

export async function notificationsOf(orderId: string): Promise<Notification[]> {
  const res = await api<{ notifications: Notification[] }>('GET', `/api/v1/notifications?orderId=${orderId}`);
  assert.equal(res.status, 200, `notifications of ${orderId} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.notifications;
}

/**
 * The order's emails as the sink received them, once the notifications service has marked every one
 * of `statuses` SENT and holds none PENDING: from then on nothing more is on its way, so the counts
 * read are final (a copy sent twice would be in the mailbox already).
 */
export async function receivedEmails(
  address: string,
  orderId: string,
  statuses: readonly string[],
  timeoutMs = 30_000,
): Promise<Record<string, Mail[]>> {
  await eventually(
    `the ${statuses.join(', ')} emails of ${orderId} to be sent`,
    async () => {
      const sent = await notificationsOf(orderId);
      const done =
        statuses.every((s) => sent.some((n) => n.orderStatus === s && n.status === 'SENT')) &&
        sent.every((n) => n.status === 'SENT');
      return done ? true : undefined;
    },
    timeoutMs,
  );
  return mailsByStatus(address, orderId);
}

/**
 * The order's emails once it is done sending (see `receivedEmails`), checked to be exactly one of
 * each of `statuses` and nothing else.
 */
export async function oneEmailEach(
  address: string,
  orderId: string,
  statuses: readonly string[],
  options: { timeoutMs?: number; message?: string } = {},
): Promise<Record<string, Mail[]>> {
  const emails = await receivedEmails(address, orderId, statuses, options.timeoutMs);
  const once = Object.fromEntries(statuses.map((status) => [status, 1]));
  assert.deepEqual(countsOf(emails), once, options.message);
  return emails;
}

/** The one email of the status (fails when there is none or more than one), subject checked. */
export function theEmail(byStatus: Record<string, Mail[]>, status: string): Mail {
  const mails = byStatus[status] ?? [];
  assert.equal(mails.length, 1, `exactly one ${status} email, got ${JSON.stringify(countsOf(byStatus))}`);
  const [mail] = mails;
  assert.ok(mail);
  assert.equal(mail.subject, emailSubjects[status]);
  return mail;
}
