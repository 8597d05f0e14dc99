import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fateEventTypes, fateOf, laterFate } from '../src/domain/fates.ts';

test('APPROVED and later commit a reservation, FAILED and CANCELLED release it; CREATED and VALIDATED decide nothing', () => {
  assert.deepEqual(
    fateEventTypes.map((type) => [type, fateOf(type)]),
    [
      ['OrderApproved', 'commit'],
      ['OrderShipped', 'commit'],
      ['OrderDelivered', 'commit'],
      ['OrderFailed', 'release'],
      ['OrderCancelled', 'release'],
    ],
  );
  assert.deepEqual([fateOf('OrderCreated'), fateOf('OrderValidated')], [null, null]);
});

test('an approved order may still be cancelled, an ended one stays ended', () => {
  assert.deepEqual(
    [
      laterFate(null, 'commit'),
      laterFate('commit', 'release'),
      laterFate('release', 'commit'),
      laterFate('commit', 'commit'),
    ],
    ['commit', 'release', 'release', 'commit'],
  );
});
