import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressText, bodyText } from '../src/domain/message.ts';
import { parseMessage } from '../src/handlers/parse-message.ts';

/** A message as it travels: lines joined by CRLF, then bytes (UTF-8 for any raw 8-bit text). */
function raw(...lines: string[]): Uint8Array {
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** The subject a message with only this Subject header gets. */
async function subjectOf(header: string): Promise<string> {
  return (await parseMessage(raw(`Subject: ${header}`, '', ''))).subject;
}

describe('headers', () => {
  test('folded lines are unfolded and field names are case-insensitive', async () => {
    const parsed = await parseMessage(
      raw('SUBJECT: a long', ' subject', '\tcontinued', 'X-A: 1', '', 'body'),
    );
    assert.equal(parsed.subject, 'a long subject continued');
    assert.equal(parsed.text, 'body');
  });

  test('UTF-8 encoded-words in B and Q are decoded, with the space between adjacent words dropped', async () => {
    assert.equal(await subjectOf('=?UTF-8?B?R3LDtsOfZQ==?='), 'Größe');
    assert.equal(await subjectOf('=?utf-8?q?Gr=C3=BC=C3=9Fe_aus?= =?utf-8?Q?_Berlin?='), 'Grüße aus Berlin');
    assert.equal(await subjectOf('Re: =?UTF-8?Q?caf=C3=A9?= ok'), 'Re: café ok');
  });

  test('a character split across two encoded-words is joined before it is decoded', async () => {
    // "é" is C3 A9: the first word ends after C3, the second starts with A9.
    assert.equal(await subjectOf('=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?='), 'café');
    assert.equal(await subjectOf('=?UTF-8?B?w6k=?= =?ISO-8859-1?Q?=E9?='), 'éé');
  });

  test('From is written back as a header would say it: names quoted only where they must be', async () => {
    const fromOf = async (header: string) => (await parseMessage(raw(`From: ${header}`, '', ''))).from;
    assert.equal(await fromOf('microshop <orders@microshop.local>'), 'microshop <orders@microshop.local>');
    assert.equal(await fromOf('"Doe, John" <j@example.com>'), '"Doe, John" <j@example.com>');
    assert.equal(await fromOf('=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= <a@example.com>'), 'Grüße <a@example.com>');
    assert.equal(await fromOf('a@example.com'), 'a@example.com');
  });
});

describe('parsing a message', () => {
  test('a 7bit text/plain message gives its headers and text, line breaks as \\n', async () => {
    const parsed = await parseMessage(
      raw(
        'From: microshop <orders@microshop.local>',
        'Subject: Your order',
        'Message-ID: <a.APPROVED@microshop>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Line 1',
        'Line 2',
        '',
      ),
    );
    assert.deepEqual(parsed, {
      messageId: '<a.APPROVED@microshop>',
      from: 'microshop <orders@microshop.local>',
      subject: 'Your order',
      text: 'Line 1\nLine 2',
    });
  });

  test('quoted-printable and base64 bodies are decoded in their charset', async () => {
    const qp = await parseMessage(
      raw(
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Gr=C3=BC=',
        '=C3=9Fe =3D ok',
      ),
    );
    assert.equal(qp.text, 'Grüße = ok');
    const base64 = await parseMessage(
      raw(
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        'R3LDvMOfZQpi',
        'YXNlNjQg4pyT',
      ),
    );
    assert.equal(base64.text, 'Grüße\nbase64 ✓');
    const latin1 = await parseMessage(
      raw(
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'caf=E9',
      ),
    );
    assert.equal(latin1.text, 'café');
  });

  test('raw 8-bit UTF-8 in the body and the headers is read as UTF-8', async () => {
    const parsed = await parseMessage(
      raw('Subject: Bestätigung', 'Content-Transfer-Encoding: 8bit', '', 'Grüße'),
    );
    assert.equal(parsed.subject, 'Bestätigung');
    assert.equal(parsed.text, 'Grüße');
  });

  test('in a multipart message the text/plain part is taken, nested or not, attachments skipped', async () => {
    const parsed = await parseMessage(
      raw(
        'Content-Type: multipart/mixed; boundary="outer"',
        '',
        'preamble',
        '--outer',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Disposition: attachment; filename="notes.txt"',
        '',
        'not the body',
        '--outer',
        'Content-Type: multipart/alternative; boundary=inner',
        '',
        '--inner',
        'Content-Type: text/html',
        '',
        '<p>html</p>',
        '--inner',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'the b=C3=B6dy',
        '--inner--',
        '--outer--',
        'epilogue',
      ),
    );
    assert.equal(parsed.text, 'the bödy');
  });

  test('a message without Message-ID, From, Subject or a text part gives nulls and empty strings', async () => {
    assert.deepEqual(await parseMessage(raw('Content-Type: text/html', '', '<p>hi</p>')), {
      messageId: null,
      from: '',
      subject: '',
      text: '',
    });
  });

  test('a multipart message whose closing delimiter never comes keeps the part it has', async () => {
    const parsed = await parseMessage(
      raw('Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'only'),
    );
    assert.equal(parsed.text, 'only');
  });

  test('bytes that are no message at all are kept as what can be read of them, never an error', async () => {
    const parsed = await parseMessage(Uint8Array.from([0, 1, 2, 255, 254, 13, 10, 13, 10, 65]));
    assert.deepEqual(parsed, { messageId: null, from: '', subject: '', text: 'A' });
  });
});

describe('what is kept of the parts', () => {
  test('mailboxes read as a header writes them; a group lists its members', () => {
    assert.equal(
      addressText([
        { name: 'Ann', address: 'ann@example.com' },
        { name: '', address: 'bob@example.com' },
        { name: 'Team', group: [{ name: 'Q. Public', address: 'q@example.com' }] },
      ]),
      'Ann <ann@example.com>, bob@example.com, Team: "Q. Public" <q@example.com>;',
    );
  });

  test('the body has \\n line breaks and no trailing ones', () => {
    assert.equal(bodyText('a\r\nb\rc\n\n'), 'a\nb\nc');
    assert.equal(bodyText(undefined), '');
  });
});
