import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Parser } from '@asyncapi/parser';
import { asyncApiDocument } from '../src/asyncapi/index.ts';
import { deadLetterHeaderNames, redriveHeaders, topicCatalog } from '../src/index.ts';

// Spectral's severities: 0 error, 1 warning, 2 information, 3 hint.
const errorOrWarning = 1;

describe('the AsyncAPI document', () => {
  const document = asyncApiDocument();

  test('is a valid AsyncAPI 3.0 document, without errors or warnings', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    const problems = diagnostics.filter((d) => d.severity <= errorOrWarning);
    assert.deepEqual(
      problems.map((d) => `${d.path.join('.')}: ${d.message}`),
      [],
    );
    assert.ok(parsed, 'the parser returns a document');
    assert.equal(parsed.version(), '3.0.0');
  });

  test('has a channel for every topic of the topic catalog, and for no other', () => {
    const addresses = Object.values(document.channels).flatMap((channel) => {
      const level = channel.parameters?.level;
      return level === undefined
        ? [channel.address]
        : level.enum.map((value) => channel.address.replace('{level}', value));
    });
    assert.deepEqual(addresses.sort(), topicCatalog.map((topic) => topic.name).sort());
  });

  test('names each event message after its envelope type, which its `type` header repeats', () => {
    const { OrderCreatedEvent, PaymentRefunded } = document.components.messages;
    assert.equal(OrderCreatedEvent?.name, 'OrderCreated');
    assert.equal(headerProperty(OrderCreatedEvent?.headers, 'type')?.const, 'OrderCreated');
    assert.equal(PaymentRefunded?.name, 'PaymentRefunded');
    for (const [name, message] of Object.entries(document.components.messages)) {
      if (name === 'DeadLetter') continue;
      assert.deepEqual(message.headers.required, ['id', 'type'], name);
      assert.ok(message.payload.properties, `${name} has a payload schema`);
    }
  });

  test('gives the keys of each topic, and a compacted topic its cleanup policy', () => {
    const { orderOutbox, products, customers } = document.channels;
    assert.equal(
      messageOf(orderOutbox?.messages.OrderCreatedEvent).bindings.kafka.key.description,
      'The customer id',
    );
    assert.equal(messageOf(products?.messages.ProductChangedEvent).bindings.kafka.key.description, 'The sku');
    assert.deepEqual(customers?.bindings.kafka.topicConfiguration['cleanup.policy'], ['compact']);
    assert.deepEqual(orderOutbox?.bindings.kafka.topicConfiguration['cleanup.policy'], ['delete']);
  });

  test('lists the dead-letter headers as required and the redrive headers as optional', () => {
    const headers = document.components.messages.DeadLetter?.headers;
    assert.deepEqual(headers?.required, Object.values(deadLetterHeaderNames));
    for (const name of Object.values(redriveHeaders)) assert.ok(headerProperty(headers, name), name);
    const payment = document.components.messages.PaymentSucceeded?.headers;
    for (const name of Object.values(redriveHeaders)) assert.ok(headerProperty(payment, name), name);
  });

  function messageOf(ref: { $ref: string } | undefined) {
    const name = ref?.$ref.split('/').at(-1) ?? '';
    const message = document.components.messages[name];
    assert.ok(message, `${ref?.$ref} resolves`);
    return message;
  }
});

function headerProperty(
  headers: Record<string, unknown> | undefined,
  name: string,
): Record<string, unknown> | undefined {
  const properties = (headers?.properties ?? {}) as Record<string, Record<string, unknown>>;
  return properties[name];
}
