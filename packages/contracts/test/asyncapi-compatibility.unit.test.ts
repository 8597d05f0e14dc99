import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  type AsyncApiDocument,
  asyncApiDocument,
  breakingChanges,
  type Channels,
  channelSpecs,
  deadLetterChannelSpec,
  describeChanges,
  type MessageSpec,
  snapshotText,
  snapshotUrl,
} from '../src/asyncapi/index.ts';
import { paymentFailedSchema } from '../src/index.ts';

// The check `npm test` runs on every change: the messages against the committed snapshot
// (packages/contracts/asyncapi.snapshot.json). `npm run contracts -- snapshot` records a change on purpose.

const committedText = readFileSync(snapshotUrl, 'utf8');
const committed = JSON.parse(committedText) as AsyncApiDocument;
const onPurpose = 'Make the change compatible, or record it on purpose: npm run contracts -- snapshot';

describe('the messages, compared with the committed AsyncAPI snapshot', () => {
  test('break no consumer of it', () => {
    const changes = breakingChanges(committed, asyncApiDocument());
    assert.ok(
      changes.length === 0,
      `Changes that break consumers:\n${describeChanges(changes)}\n${onPurpose}`,
    );
  });

  test('are what it records (a compatible change is recorded too)', () => {
    const stale = committedText !== snapshotText(asyncApiDocument());
    assert.ok(!stale, 'packages/contracts/asyncapi.snapshot.json is stale: npm run contracts -- snapshot');
  });
});

describe('the compatibility check, on a copy of the contracts', () => {
  const current = asyncApiDocument();

  test('fails when a required field is removed from a message', () => {
    const copy = withPaymentFailed({
      schema: paymentFailedSchema.omit({ reason: true }),
      summary: 'no reason',
    });
    assert.deepEqual(breakingChanges(current, asyncApiDocument(copy)), [
      {
        where: 'payments / PaymentFailed',
        path: 'payload.reason',
        change: 'required field removed (or renamed)',
        breaks: 'consumers built on the snapshot refuse the new messages',
      },
    ]);
  });

  test('fails on a renamed required field, both for old consumers and for the messages on the topic', () => {
    const renamed = paymentFailedSchema
      .omit({ reason: true })
      .extend({ why: paymentFailedSchema.shape.reason });
    const changes = breakingChanges(
      current,
      asyncApiDocument(withPaymentFailed({ schema: renamed, summary: '' })),
    );
    assert.deepEqual(
      changes.map((c) => `${c.path}: ${c.change}`),
      ['payload.reason: required field removed (or renamed)', 'payload.why: new required field'],
    );
  });

  test('passes an added optional field', () => {
    const extended = paymentFailedSchema.extend({ retryable: paymentFailedSchema.shape.reason.optional() });
    const changes = breakingChanges(
      current,
      asyncApiDocument(withPaymentFailed({ schema: extended, summary: '' })),
    );
    assert.deepEqual(changes, []);
  });

  test('fails when a message, a topic or a routed level goes away', () => {
    const { shipments: _gone, ...events } = channelSpecs;
    const withoutShipments = asyncApiDocument({ events, deadLetter: deadLetterChannelSpec });
    assert.deepEqual(
      breakingChanges(current, withoutShipments).map((c) => c.change),
      ['channel microshop.shipments removed'],
    );
    const fewerLevels = structuredClone(current);
    fewerLevels.channels.ordersByLevel?.parameters?.level?.enum.pop();
    assert.deepEqual(
      breakingChanges(current, fewerLevels).map((c) => c.change),
      ['level platinum removed'],
    );
  });
});

function withPaymentFailed(message: MessageSpec): Channels {
  const payments = {
    ...channelSpecs.payments,
    messages: { ...channelSpecs.payments.messages, PaymentFailed: message },
  };
  return { events: { ...channelSpecs, payments }, deadLetter: deadLetterChannelSpec };
}
