import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DeadLetterState,
  decide,
  evolve,
  failureOf,
  isOriginalHeader,
  redriveOf,
  serviceOf,
} from '../src/domain/dead-letter.ts';

const open: DeadLetterState = { status: 'open', redriveCount: 0, failures: 1 };

function apply(state: DeadLetterState, command: Parameters<typeof decide>[0]) {
  const events = decide(command, state);
  return { events, state: events.reduce(evolve, state) };
}

describe('a dead letter, decided', () => {
  test('redrive: open → redriving → redriven, counting redrives', () => {
    const requested = apply(open, { type: 'Redrive' });
    assert.deepEqual(requested.events, [{ type: 'RedriveRequested', count: 1, alreadyRedriven: 0 }]);
    assert.equal(requested.state.status, 'redriving');

    const produced = apply(requested.state, { type: 'RecordProduced' });
    assert.deepEqual(produced.state, { status: 'redriven', redriveCount: 1, failures: 1 });
  });

  test('a second redrive says how often it was redriven before', () => {
    const again = apply({ status: 'redriven', redriveCount: 2, failures: 3 }, { type: 'Redrive' });
    assert.deepEqual(again.events, [{ type: 'RedriveRequested', count: 3, alreadyRedriven: 2 }]);
  });

  test('a pending redrive or a discarded one refuses another redrive; a pending one refuses discard', () => {
    const redriving: DeadLetterState = { ...open, status: 'redriving' };
    const discarded: DeadLetterState = { ...open, status: 'discarded' };
    assert.equal(decide({ type: 'Redrive' }, redriving)[0]?.type, 'Refused');
    assert.equal(decide({ type: 'Redrive' }, discarded)[0]?.type, 'Refused');
    assert.equal(decide({ type: 'Discard', reason: 'x' }, redriving)[0]?.type, 'Refused');
    assert.equal(decide({ type: 'Discard', reason: 'x' }, discarded)[0]?.type, 'Refused');
  });

  test('cancel puts it back where it was: open, or redriven when it had been', () => {
    assert.equal(apply({ ...open, status: 'redriving' }, { type: 'CancelRedrive' }).state.status, 'open');
    const before: DeadLetterState = { status: 'redriving', redriveCount: 1, failures: 2 };
    assert.equal(apply(before, { type: 'CancelRedrive' }).state.status, 'redriven');
    assert.deepEqual(decide({ type: 'CancelRedrive' }, open), [], 'nothing pending, nothing to cancel');
  });

  test('a redriven copy failing again reopens it and counts the failure; a discarded one stays discarded', () => {
    const redriven: DeadLetterState = { status: 'redriven', redriveCount: 1, failures: 1 };
    assert.deepEqual(apply(redriven, { type: 'RecordFailure' }).state, {
      status: 'open',
      redriveCount: 1,
      failures: 2,
    });
    const discarded: DeadLetterState = { ...redriven, status: 'discarded' };
    assert.equal(apply(discarded, { type: 'RecordFailure' }).state.status, 'discarded');
  });

  test('discard keeps the reason', () => {
    assert.deepEqual(apply(open, { type: 'Discard', reason: 'test data' }).events, [
      { type: 'Discarded', reason: 'test data' },
    ]);
  });
});

describe('reading dead-letter headers', () => {
  const receivedAt = new Date('2026-01-02T03:04:05.000Z');

  test('the dlq.* headers, as the kit writes them', () => {
    const failure = failureOf(
      {
        'dlq.topic': 'microshop.order-outbox',
        'dlq.partition': '2',
        'dlq.offset': '41',
        'dlq.group': 'inventory',
        'dlq.error': 'value is not JSON',
        'dlq.error.code': 'KAFKA_VALUE_NOT_JSON',
        'dlq.attempts': '0',
        'dlq.failed-at': '2026-01-01T00:00:00.000Z',
      },
      receivedAt,
    );
    assert.deepEqual(failure, {
      topic: 'microshop.order-outbox',
      partition: 2,
      offset: '41',
      group: 'inventory',
      error: 'value is not JSON',
      code: 'KAFKA_VALUE_NOT_JSON',
      attempts: 0,
      failedAt: new Date('2026-01-01T00:00:00.000Z'),
    });
  });

  test('missing or garbled headers become visible placeholders, the time the record arrived', () => {
    assert.deepEqual(failureOf({ 'dlq.partition': 'x', 'dlq.offset': '-3' }, receivedAt), {
      topic: 'unknown',
      partition: -1,
      offset: '-1',
      group: 'unknown',
      error: '(no error header)',
      code: 'UNKNOWN',
      attempts: 0,
      failedAt: receivedAt,
    });
  });

  test('a redriven copy names its redrive; the original headers are the others', () => {
    const copy = { 'redrive.id': 'abc', 'redrive.count': '2', 'redrive.group': 'fraud' };
    assert.deepEqual(redriveOf({ ...copy, 'dlq.group': 'fraud' }), { id: 'abc', count: 2 });
    assert.equal(
      redriveOf({ ...copy, 'dlq.group': 'inventory' }),
      null,
      'another group parked it: its own failure',
    );
    assert.equal(redriveOf({ id: 'event' }), null);
    assert.deepEqual(['id', 'type', 'traceparent', 'dlq.topic', 'redrive.group'].filter(isOriginalHeader), [
      'id',
      'type',
      'traceparent',
    ]);
  });

  test('the service of a group: its own name, or the longest service name it starts with', () => {
    const services = ['orders', 'order-details', 'order-background'];
    assert.equal(serviceOf('orders', services), 'orders');
    assert.equal(serviceOf('order-details-references', services), 'order-details');
    assert.equal(serviceOf('group-test-123', services), 'group-test-123');
  });
});
