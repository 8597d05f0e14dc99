import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestSchema } from '../src/testing/schema.ts';
import { consumedMessage, eventually, serviceTestKit } from '../src/testing/service.ts';

// The pieces every service's test harness is made of.

describe('serviceTestKit', () => {
  const migrated: string[] = [];
  const kit = serviceTestKit({
    service: 'kit',
    migrate: async (pool, schema) => {
      migrated.push(schema);
      await pool.query('CREATE TABLE widget (id int PRIMARY KEY)');
    },
  });

  test('a migrated schema is the service’s tables in a schema of the test’s own, dropped after it', async (t) => {
    let schema = '';
    await t.test('uses it', async (inner) => {
      const db = await kit.migratedSchema('platform_kit', inner);
      schema = db.name;
      await db.pool.query('INSERT INTO widget VALUES (1)');
      assert.deepEqual(migrated, [db.name]);
    });
    const probe = await createTestSchema('platform_kit_probe', t);
    const left = await probe.pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    assert.equal(left.rowCount, 0, `schema ${schema} was dropped with its test`);
  });

  test('the handler context is a first attempt, not aborted, logging to the kit’s quiet logger', () => {
    const context = kit.handlerContext();
    assert.equal(context.attempt, 1);
    assert.equal(context.signal.aborted, false);
    assert.equal(context.logger, kit.logger);
    assert.equal(kit.logger.level, process.env.TEST_LOG_LEVEL ?? 'silent');
  });
});

describe('consumedMessage', () => {
  test('hands the event over as the consumer would: JSON on the wire, event id from the header', () => {
    const at = new Date('2025-03-01T10:00:00.000Z');
    const event = { id: 'e-1', type: 'OrderCreated', customerId: 'c-1', at };

    const first = consumedMessage(event, { topic: 'microshop.order-outbox' });
    const second = consumedMessage(event, { topic: 'microshop.order-outbox', key: 'o-1' });

    assert.deepEqual(first.value, {
      id: 'e-1',
      type: 'OrderCreated',
      customerId: 'c-1',
      at: at.toISOString(),
    });
    assert.deepEqual([first.eventId, first.headers], ['e-1', { id: 'e-1' }]);
    assert.deepEqual([first.key, second.key], ['c-1', 'o-1']);
    assert.equal(second.offset, first.offset + 1n);
  });

  test('a value without id or customerId (a poison message) has no event id, header or key', () => {
    const message = consumedMessage('not an event', { topic: 't' });
    assert.deepEqual([message.eventId, message.headers, message.key], [null, {}, null]);
  });
});

describe('eventually', () => {
  test('returns the first truthy value of the condition', async () => {
    let calls = 0;
    const value = await eventually('the third call', async () => (++calls === 3 ? { calls } : null));
    assert.deepEqual(value, { calls: 3 });
  });

  test('fails naming what it waited for once the time is up', async () => {
    await assert.rejects(
      eventually('a miracle', async () => false, 150),
      /timed out waiting for a miracle/,
    );
  });
});
