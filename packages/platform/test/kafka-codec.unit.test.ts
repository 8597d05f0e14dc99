import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeHeaders,
  decodeRecord,
  encodeHeaders,
  encodeKey,
  encodeValue,
  eventIdOf,
  type RawRecord,
} from '../src/kafka/codec.ts';
import { isRetriable } from '../src/kafka/retry.ts';

function record(overrides: Partial<RawRecord> = {}): RawRecord {
  return {
    topic: 'orders',
    partition: 2,
    offset: 41n,
    timestamp: 1_700_000_000_000n,
    key: Buffer.from('customer-1'),
    value: Buffer.from('{"id":"evt-from-value","type":"OrderCreated"}'),
    headers: new Map(),
    ...overrides,
  };
}

describe('decodeHeaders', () => {
  it('turns header names and values into UTF-8 strings, the last of a repeated header winning', () => {
    const headers = decodeHeaders([
      [Buffer.from('id'), Buffer.from('é1')],
      [Buffer.from('trace'), Buffer.from('a')],
      [Buffer.from('trace'), Buffer.from('b')],
    ]);
    assert.deepEqual(headers, { id: 'é1', trace: 'b' });
  });

  it('decodes a header without value as the empty string', () => {
    assert.deepEqual(decodeHeaders([[Buffer.from('flag'), undefined]]), { flag: '' });
  });
});

describe('eventIdOf', () => {
  it('prefers the id header that the Outbox Event Router sets', () => {
    assert.equal(eventIdOf({ id: 'evt-header' }, { id: 'evt-value' }), 'evt-header');
  });

  it('strips the JSON quotes a header converter may put around the id', () => {
    assert.equal(
      eventIdOf({ id: '"8c1e7c2a-0000-4000-8000-000000000001"' }, null),
      '8c1e7c2a-0000-4000-8000-000000000001',
    );
  });

  it('falls back to value.id, and to null when neither is there', () => {
    assert.equal(eventIdOf({}, { id: 'evt-value' }), 'evt-value');
    assert.equal(eventIdOf({}, { type: 'x' }), null);
    assert.equal(eventIdOf({}, 'a string'), null);
  });
});

describe('decodeRecord', () => {
  it('decodes key, JSON value, headers, time and event id', () => {
    const result = decodeRecord(
      record({ headers: new Map([[Buffer.from('source'), Buffer.from('orders')]]) }),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.message, {
      topic: 'orders',
      partition: 2,
      offset: 41n,
      key: 'customer-1',
      value: { id: 'evt-from-value', type: 'OrderCreated' },
      headers: { source: 'orders' },
      timestamp: new Date(1_700_000_000_000),
      eventId: 'evt-from-value',
    });
  });

  it('reports a value that is not JSON as a non-retriable decoding error', () => {
    const result = decodeRecord(record({ value: Buffer.from('{not json') }));
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.equal((result.error as { code?: string }).code, 'KAFKA_VALUE_NOT_JSON');
    assert.equal(isRetriable(result.error), false);
  });

  it('decodes a tombstone (no value) to null and a missing key to null', () => {
    const result = decodeRecord(record({ value: undefined, key: undefined }));
    assert.ok(result.ok);
    assert.equal(result.message.value, null);
    assert.equal(result.message.key, null);
  });
});

describe('encoding for the producer', () => {
  it('sends objects as JSON, strings and Buffers as they are, and null as a tombstone', () => {
    assert.equal(encodeValue({ a: 1 })?.toString(), '{"a":1}');
    assert.equal(encodeValue('plain text')?.toString(), 'plain text');
    const bytes = Buffer.from([0xff, 0x00]);
    assert.equal(encodeValue(bytes), bytes);
    assert.equal(encodeValue(null), undefined);
  });

  it('encodes string keys and header values as UTF-8 and leaves a null key out', () => {
    assert.equal(encodeKey('k-1')?.toString(), 'k-1');
    assert.equal(encodeKey(null), undefined);
    assert.deepEqual(encodeHeaders({ id: 'x', raw: Buffer.from('y') }), {
      id: Buffer.from('x'),
      raw: Buffer.from('y'),
    });
  });
});
