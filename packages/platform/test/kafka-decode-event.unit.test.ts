import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { AppError } from '../src/errors.ts';
import { decodeEvent, eventTypeOf, parseEvent } from '../src/kafka/decode-event.ts';
import { thrownBy } from '../src/testing/errors.ts';

const pinged = z.object({ type: z.literal('Pinged'), id: z.uuid(), count: z.number().int() });
const id = '0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d';

describe('eventTypeOf', () => {
  test('reads a string type and nothing else', () => {
    assert.equal(eventTypeOf({ type: 'Pinged' }), 'Pinged');
    assert.equal(eventTypeOf({ type: 7 }), undefined);
    assert.equal(eventTypeOf(null), undefined);
    assert.equal(eventTypeOf('Pinged'), undefined);
  });
});

describe('decodeEvent', () => {
  test('a value of a type the service reads is parsed by its schema', () => {
    assert.deepEqual(decodeEvent({ type: 'Pinged', id, count: 2 }, ['Pinged'], pinged), {
      type: 'Pinged',
      id,
      count: 2,
    });
  });

  test('a tombstone, a value without type and a type the service does not read are skipped as null', () => {
    for (const value of [null, { id }, { type: 'Ponged', id }]) {
      assert.equal(decodeEvent(value, ['Pinged'], pinged), null);
    }
  });

  test('a type the service reads that breaks its schema is a non-retriable VALIDATION_FAILED naming the field', () => {
    const error = thrownBy(
      () => decodeEvent({ type: 'Pinged', id, count: 'two' }, ['Pinged'], pinged),
      AppError,
    );
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.equal(error.retriable, false);
    assert.equal(error.message, 'Pinged event does not match its schema');
    assert.deepEqual(
      error.fields.map((field) => field.field),
      ['count'],
    );
  });
});

describe('parseEvent', () => {
  test('names the type it was asked for in its error, and a missing value as the root', () => {
    const error = thrownBy(() => parseEvent(pinged, 'not an object', 'Pinged'), AppError);
    assert.equal(error.message, 'Pinged event does not match its schema');
    assert.deepEqual(
      error.fields.map((field) => field.field),
      ['(value)'],
    );
  });
});
