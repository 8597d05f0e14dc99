import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../src/errors.ts';
import type { RawRecord } from '../src/kafka/codec.ts';
import { deadLetterHeaders } from '../src/kafka/dead-letter.ts';

const failedAt = new Date('2025-01-02T03:04:05.000Z');

function record(headers: [string, string][]): RawRecord {
  return {
    topic: 'microshop.payments',
    partition: 3,
    offset: 1234n,
    timestamp: 0n,
    key: Buffer.from('order-1'),
    value: Buffer.from('{}'),
    headers: new Map(headers.map(([name, value]) => [Buffer.from(name), Buffer.from(value)])),
  };
}

function asText(headers: Record<string, Buffer>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.toString('utf8')]));
}

describe('deadLetterHeaders', () => {
  it('keeps the original headers and adds where the message came from and why it failed', () => {
    const error = new AppError('VALIDATION_FAILED', 'unit price differs from the catalog');
    const headers = asText(
      deadLetterHeaders(
        record([
          ['id', 'evt-1'],
          ['traceparent', '00-abc'],
        ]),
        { group: 'payments', error, attempts: 1, failedAt },
      ),
    );
    assert.deepEqual(headers, {
      id: 'evt-1',
      traceparent: '00-abc',
      'dlq.topic': 'microshop.payments',
      'dlq.partition': '3',
      'dlq.offset': '1234',
      'dlq.group': 'payments',
      'dlq.error': 'unit price differs from the catalog',
      'dlq.error.code': 'VALIDATION_FAILED',
      'dlq.attempts': '1',
      'dlq.failed-at': '2025-01-02T03:04:05.000Z',
    });
  });

  it('replaces the dlq headers of an earlier failure when a replayed message fails again', () => {
    const headers = asText(
      deadLetterHeaders(
        record([
          ['dlq.attempts', '5'],
          ['dlq.group', 'old'],
        ]),
        {
          group: 'inventory',
          error: new Error('boom'),
          attempts: 2,
          failedAt,
        },
      ),
    );
    assert.equal(headers['dlq.attempts'], '2');
    assert.equal(headers['dlq.group'], 'inventory');
    assert.equal(headers['dlq.error.code'], 'Error');
  });
});
