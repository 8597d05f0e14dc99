import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Delivery,
  decide,
  defaultSendBackoff,
  describeSendError,
  evolve,
  nextAttemptAt,
  retryDelayMs,
  type SendResult,
  sendResultOf,
} from '../src/domain/delivery.ts';

describe('the retry schedule of an email the SMTP server did not take', () => {
  test('doubles from 1 s after each failed attempt and stays at 30 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 50].map((failed) => retryDelayMs(failed, defaultSendBackoff));
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  test('never overflows however many attempts failed', () => {
    assert.equal(retryDelayMs(10_000, { initialMs: 1_000, maxMs: 30_000 }), 30_000);
    assert.equal(retryDelayMs(0, { initialMs: 1_000, maxMs: 30_000 }), 1_000);
  });

  test('the next attempt is that delay after now', () => {
    const now = new Date('2025-03-01T10:00:00.000Z');
    assert.equal(nextAttemptAt(now, 3, defaultSendBackoff).toISOString(), '2025-03-01T10:00:04.000Z');
  });
});

describe('an email claimed for an attempt, then after it', () => {
  const now = new Date('2025-03-01T10:00:00.000Z');
  const later = (ms: number) => new Date(now.getTime() + ms);
  const pending: Delivery = {
    state: 'PENDING',
    attempts: 2,
    nextAttemptAt: now,
    claimedUntil: null,
    lastError: 'down',
    sentAt: null,
  };
  const claim = (at: Date) => ({ type: 'ClaimEmail' as const, at, claimMs: 60_000 });
  const sending = decide(claim(now), pending, defaultSendBackoff).reduce(evolve, pending);
  const record = (result: SendResult, attempt = 3) =>
    decide({ type: 'RecordAttempt', at: later(1_000), attempt, result }, sending, defaultSendBackoff);

  test('a due PENDING email is claimed: SENDING, the attempt counted, held until the claim lapses', () => {
    assert.deepEqual(sending, { ...pending, state: 'SENDING', attempts: 3, claimedUntil: later(60_000) });
    assert.deepEqual(decide(claim(now), { ...pending, nextAttemptAt: later(1) }, defaultSendBackoff), []);
  });

  test('a SENDING email is claimed again only once its claim lapsed (its sender died after sending)', () => {
    assert.deepEqual(decide(claim(later(59_999)), sending, defaultSendBackoff), []);
    const again = decide(claim(later(60_000)), sending, defaultSendBackoff).reduce(evolve, sending);
    assert.deepEqual([again.state, again.attempts], ['SENDING', 4]);
  });

  test('accepted: SENT at that time, the last error cleared', () => {
    const events = record({ kind: 'accepted' });

    assert.deepEqual(events, [{ type: 'EmailSent', at: later(1_000) }]);
    assert.deepEqual(events.reduce(evolve, sending), {
      state: 'SENT',
      attempts: 3,
      nextAttemptAt: now,
      claimedUntil: null,
      lastError: null,
      sentAt: later(1_000),
    });
  });

  test('refused for now (4xx, no connection): PENDING again, the next attempt put off by the backoff of that attempt', () => {
    const events = record({ kind: 'refused', error: 'ECONNREFUSED', permanent: false });

    assert.deepEqual(events.reduce(evolve, sending), {
      state: 'PENDING',
      attempts: 3,
      nextAttemptAt: new Date('2025-03-01T10:00:05.000Z'),
      claimedUntil: null,
      lastError: 'ECONNREFUSED',
      sentAt: null,
    });
  });

  test('refused for good (5xx): FAILED with the reason, never claimed again', () => {
    const failed = record({ kind: 'refused', error: 'EENVELOPE 550 no such user', permanent: true }).reduce(
      evolve,
      sending,
    );

    assert.deepEqual(
      [failed.state, failed.lastError, failed.claimedUntil],
      ['FAILED', 'EENVELOPE 550 no such user', null],
    );
    assert.deepEqual(decide(claim(later(1e9)), failed, defaultSendBackoff), []);
  });

  test('the result of an attempt whose claim lapsed and was taken again is not recorded', () => {
    assert.deepEqual(record({ kind: 'accepted' }, 2), []);
    const sent: Delivery = { ...sending, state: 'SENT', sentAt: now };
    assert.deepEqual(
      decide(
        { type: 'RecordAttempt', at: now, attempt: 3, result: { kind: 'accepted' } },
        sent,
        defaultSendBackoff,
      ),
      [],
    );
  });
});

describe('what a failed send says', () => {
  const smtpError = (message: string, fields: Record<string, unknown>) =>
    Object.assign(new Error(message), fields);

  test('a 5xx answer to the message (envelope or content) is permanent', () => {
    const rejected = sendResultOf(smtpError('Mailbox unavailable', { code: 'EENVELOPE', responseCode: 550 }));
    assert.deepEqual(rejected, {
      kind: 'refused',
      error: 'EENVELOPE 550 Mailbox unavailable',
      permanent: true,
    });
    assert.equal(sendResultOf(smtpError('Spam', { code: 'EMESSAGE', responseCode: 554 })).kind, 'refused');
    assert.equal(
      (sendResultOf(smtpError('Spam', { code: 'EMESSAGE', responseCode: 554 })) as { permanent: boolean })
        .permanent,
      true,
    );
  });

  test('a 4xx, no connection, a timeout or a refused login is worth another attempt', () => {
    for (const error of [
      smtpError('Try later', { code: 'EENVELOPE', responseCode: 451 }),
      smtpError('connect ECONNREFUSED', { code: 'ESOCKET' }),
      smtpError('Timeout', { code: 'ETIMEDOUT' }),
      smtpError('Invalid login', { code: 'EAUTH', responseCode: 535 }),
      'plain',
    ]) {
      assert.equal((sendResultOf(error) as { permanent: boolean }).permanent, false, String(error));
    }
  });
});

describe('what is kept of a send error', () => {
  test('the code, the SMTP response code and the message, cut to a bounded length', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ESOCKET' });
    assert.equal(describeSendError(refused), 'ESOCKET connect ECONNREFUSED 127.0.0.1:2525');
    const rejected = Object.assign(new Error('Mailbox unavailable'), {
      code: 'EENVELOPE',
      responseCode: 550,
    });
    assert.equal(describeSendError(rejected), 'EENVELOPE 550 Mailbox unavailable');
    assert.equal(describeSendError(new Error('x'.repeat(1_000)), 20).length, 20);
    assert.equal(describeSendError('plain'), 'plain');
  });
});
