/**
 * What the sink keeps of a received message: a few decoded headers and the plain-text body. Enough
 * for people and tests to read what microshop sends (nodemailer's text-only mails). Pure: the MIME
 * parsing itself is mailparser's (`src/handlers/parse-message.ts`); this file says what of it is
 * kept and how it reads.
 */
export interface ParsedMessage {
  /** As written, angle brackets included, e.g. `<id@host>`; null without the header. */
  messageId: string | null;
  /** The From header as text, e.g. `microshop <orders@microshop.local>`; '' without it. */
  from: string;
  subject: string;
  /**
   * The text/plain body, line breaks as `\n`, without trailing line breaks (transfer encodings add
   * one or not, so keeping them would make the same text read differently); '' if none.
   */
  text: string;
}

/** One mailbox of an address header, as a parser hands it over (a group holds mailboxes of its own). */
export interface MailAddress {
  name: string;
  address?: string | undefined;
  group?: MailAddress[] | undefined;
}

/** An empty message: what is kept of one the parser could not read at all. */
export const unreadableMessage: ParsedMessage = { messageId: null, from: '', subject: '', text: '' };

/**
 * Mailboxes as a header would write them: `name <address>`, the bare address without a name, the
 * name quoted only where RFC 5322 needs it (`"Doe, John" <j@x>`), groups as `name: members;`.
 */
export function addressText(mailboxes: readonly MailAddress[]): string {
  return mailboxes.map(mailboxText).join(', ');
}

function mailboxText(mailbox: MailAddress): string {
  const name = displayName(mailbox.name);
  if (mailbox.group !== undefined) return `${name}: ${addressText(mailbox.group)};`;
  const address = mailbox.address ?? '';
  if (name === '') return address;
  return address === '' ? name : `${name} <${address}>`;
}

/** RFC 5322 specials: a name holding one is written as a quoted string. */
const specials = /[()<>[\]:;@\\,."]/;

function displayName(name: string): string {
  const trimmed = name.trim();
  return specials.test(trimmed) ? `"${trimmed.replace(/["\\]/g, '\\$&')}"` : trimmed;
}

/** The body as the mailbox shows it: `\n` line breaks, no trailing ones. */
export function bodyText(text: string | undefined): string {
  return (text ?? '').replace(/\r\n?/g, '\n').replace(/\n+$/, '');
}
