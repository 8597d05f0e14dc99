import { simpleParser } from 'mailparser';
import { addressText, bodyText, type ParsedMessage, unreadableMessage } from '../domain/message.ts';

/**
 * A received message as the mailbox keeps it, parsed by mailparser (MIME structure, RFC 2047
 * encoded-words, quoted-printable and base64, charsets). Only text/plain parts make the body: an
 * HTML-only message is kept with an empty text rather than a text made from its HTML.
 *
 * Never throws: a sink that refused an odd message would hide exactly the mail someone wants to
 * look at, so a message mailparser cannot read is kept with empty fields.
 */
export async function parseMessage(raw: Uint8Array): Promise<ParsedMessage> {
  try {
    const parsed = await simpleParser(Buffer.from(raw), {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
    });
    return {
      messageId: parsed.messageId?.trim() ?? null,
      from: addressText(parsed.from?.value ?? []),
      subject: parsed.subject ?? '',
      text: bodyText(parsed.text),
    };
  } catch {
    return unreadableMessage;
  }
}
