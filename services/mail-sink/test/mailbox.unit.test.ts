import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMailbox } from '../src/store/mailbox.ts';

function message(subject: string) {
  return {
    messageId: `<${subject}@test>`,
    from: 'shop <orders@shop.test>',
    subject,
    text: `text of ${subject}`,
  };
}

function mailboxWith(capacity: number) {
  let id = 0;
  let clock = Date.parse('2025-03-01T10:00:00.000Z');
  return createMailbox({
    capacity,
    newId: () => `mail-${++id}`,
    now: () => {
      clock += 1_000;
      return new Date(clock);
    },
  });
}

describe('the mailbox', () => {
  test('lists emails newest first with their id, envelope recipients and time of receipt', () => {
    const mailbox = mailboxWith(10);
    mailbox.add(message('first'), ['ann@example.com']);
    mailbox.add(message('second'), ['bob@example.com', 'cc@example.com']);

    assert.deepEqual(mailbox.list(), [
      {
        id: 'mail-2',
        ...message('second'),
        to: ['bob@example.com', 'cc@example.com'],
        receivedAt: '2025-03-01T10:00:02.000Z',
      },
      { id: 'mail-1', ...message('first'), to: ['ann@example.com'], receivedAt: '2025-03-01T10:00:01.000Z' },
    ]);
    assert.equal(mailbox.get('mail-1')?.subject, 'first');
    assert.equal(mailbox.get('nope'), undefined);
  });

  test('filters by recipient (whole address, any case) and by a part of the subject (any case)', () => {
    const mailbox = mailboxWith(10);
    mailbox.add(message('Your order is confirmed'), ['ann@example.com']);
    mailbox.add(message('Your order is on its way'), ['Ann@Example.com']);
    mailbox.add(message('Your order is confirmed'), ['bob@example.com']);

    const subjects = (filter: Parameters<typeof mailbox.list>[0]) => mailbox.list(filter).map((m) => m.id);
    assert.deepEqual(subjects({ to: 'ANN@example.com' }), ['mail-2', 'mail-1']);
    assert.deepEqual(subjects({ to: 'ann@example' }), []);
    assert.deepEqual(subjects({ subject: 'CONFIRMED' }), ['mail-3', 'mail-1']);
    assert.deepEqual(subjects({ to: 'bob@example.com', subject: 'confirmed' }), ['mail-3']);
    assert.deepEqual(subjects({ limit: 2 }), ['mail-3', 'mail-2']);
  });

  test('past its capacity the oldest email is dropped', () => {
    const mailbox = mailboxWith(3);
    for (const subject of ['a', 'b', 'c', 'd', 'e']) mailbox.add(message(subject), ['x@example.com']);

    assert.equal(mailbox.size, 3);
    assert.deepEqual(
      mailbox.list().map((mail) => mail.subject),
      ['e', 'd', 'c'],
    );
  });

  test('clear empties it and says how many emails there were', () => {
    const mailbox = mailboxWith(10);
    mailbox.add(message('a'), ['x@example.com']);
    mailbox.add(message('b'), ['x@example.com']);

    assert.equal(mailbox.clear(), 2);
    assert.deepEqual(mailbox.list(), []);
    assert.equal(mailbox.clear(), 0);
  });

  test('a capacity below one is refused', () => {
    assert.throws(() => createMailbox({ capacity: 0 }), RangeError);
  });
});
