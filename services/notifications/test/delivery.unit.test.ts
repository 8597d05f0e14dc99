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

describe('an email after an attempt to send it', () => {
  const now = new Date('2025-03-01T10:00:00.000Z');
  const pending: Delivery = {
    state: 'PENDING',
    attempts: 2,
    nextAttemptAt: now,
    lastError: 'down',
    sentAt: null,
  };

  test('accepted: SENT at that time, the attempt counted, the last error cleared', () => {
    const events = decide({ type: 'RecordAttempt', at: now, error: null }, pending, defaultSendBackoff);

    assert.deepEqual(events, [{ type: 'EmailSent', at: now }]);
    assert.deepEqual(events.reduce(evolve, pending), {
      state: 'SENT',
      attempts: 3,
      nextAttemptAt: now,
      lastError: null,
      sentAt: now,
    });
  });

  test('refused: still PENDING, the attempt counted, the next one put off by the backoff of that attempt', () => {
    const events = decide(
      { type: 'RecordAttempt', at: now, error: 'ECONNREFUSED' },
      pending,
      defaultSendBackoff,
    );

    assert.deepEqual(events.reduce(evolve, pending), {
      state: 'PENDING',
      attempts: 3,
      nextAttemptAt: new Date('2025-03-01T10:00:04.000Z'),
      lastError: 'ECONNREFUSED',
      sentAt: null,
    });
  });

  test('an email already SENT is left as it is', () => {
    const sent: Delivery = { ...pending, state: 'SENT', sentAt: now };
    assert.deepEqual(decide({ type: 'RecordAttempt', at: now, error: null }, sent, defaultSendBackoff), []);
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
