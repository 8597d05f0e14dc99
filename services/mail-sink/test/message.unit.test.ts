import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeHeaderText, parseContentType, splitEntity } from '../src/domain/headers.ts';
import { parseMessage, splitMultipart } from '../src/domain/message.ts';

/** A message as it travels: lines joined by CRLF, then bytes (UTF-8 for any raw 8-bit text). */
function raw(...lines: string[]): Uint8Array {
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

describe('headers', () => {
  test('folded lines are unfolded and field names are case-insensitive', () => {
    const { fields, body } = splitEntity('SUBJECT: a long\r\n subject\r\n\tcontinued\r\nX-A: 1\r\n\r\nbody');
    assert.deepEqual(fields, [
      { name: 'subject', value: 'a long subject\tcontinued' },
      { name: 'x-a', value: '1' },
    ]);
    assert.equal(body, 'body');
  });

  test('UTF-8 encoded-words in B and Q are decoded, with the space between adjacent words dropped', () => {
    assert.equal(decodeHeaderText('=?UTF-8?B?R3LDtsOfZQ==?='), 'Größe');
    assert.equal(decodeHeaderText('=?utf-8?q?Gr=C3=BC=C3=9Fe_aus?= =?utf-8?Q?_Berlin?='), 'Grüße aus Berlin');
    assert.equal(decodeHeaderText('Re: =?UTF-8?Q?caf=C3=A9?= ok'), 'Re: café ok');
  });

  test('a character split across two encoded-words is joined before it is decoded', () => {
    // "é" is C3 A9: the first word ends after C3, the second starts with A9.
    assert.equal(decodeHeaderText('=?UTF-8?Q?caf=C3?=\r\n =?UTF-8?Q?=A9?='.replace(/\r\n/g, '')), 'café');
    assert.equal(decodeHeaderText('=?UTF-8?B?w6k=?= =?ISO-8859-1?Q?=E9?='), 'éé');
  });

  test('Content-Type parameters are read quoted or not, and text/plain is the default', () => {
    assert.deepEqual(parseContentType('Multipart/Alternative; boundary="--_a b\\"c"; charset=UTF-8'), {
      type: 'multipart/alternative',
      params: { boundary: '--_a b"c', charset: 'UTF-8' },
    });
    assert.deepEqual(parseContentType(undefined), { type: 'text/plain', params: {} });
  });
});

describe('parsing a message', () => {
  test('a 7bit text/plain message gives its headers and text, line breaks as \\n', () => {
    const parsed = parseMessage(
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

  test('quoted-printable and base64 bodies are decoded in their charset', () => {
    const qp = parseMessage(
      raw(
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Gr=C3=BC=',
        '=C3=9Fe =3D ok',
      ),
    );
    assert.equal(qp.text, 'Grüße = ok');
    const base64 = parseMessage(
      raw(
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        'R3LDvMOfZQpi',
        'YXNlNjQg4pyT',
      ),
    );
    assert.equal(base64.text, 'Grüße\nbase64 ✓');
    const latin1 = parseMessage(
      raw(
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'caf=E9',
      ),
    );
    assert.equal(latin1.text, 'café');
  });

  test('raw 8-bit UTF-8 in the body and the headers is read as UTF-8', () => {
    const parsed = parseMessage(raw('Subject: Bestätigung', 'Content-Transfer-Encoding: 8bit', '', 'Grüße'));
    assert.equal(parsed.subject, 'Bestätigung');
    assert.equal(parsed.text, 'Grüße');
  });

  test('in a multipart message the first text/plain part is taken, nested or not, attachments skipped', () => {
    const parsed = parseMessage(
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

  test('a message without Message-ID, From, Subject or a text part gives nulls and empty strings', () => {
    assert.deepEqual(parseMessage(raw('Content-Type: text/html', '', '<p>hi</p>')), {
      messageId: null,
      from: '',
      subject: '',
      text: '',
    });
  });

  test('multipart parts end at the closing delimiter; an unclosed last part is kept', () => {
    assert.deepEqual(splitMultipart('x\r\n--b\r\none\r\n--b\r\ntwo\r\n--b--\r\nafter', 'b'), ['one', 'two']);
    assert.deepEqual(splitMultipart('--b\r\nonly', 'b'), ['only']);
  });
});
