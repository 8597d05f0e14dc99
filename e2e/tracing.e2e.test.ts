// One order, one trace: the spans every process of the stack exported while a checkout ran (kept by
// the operations service) form ONE connected trace from the gateway's POST to DELIVERED, crossing the
// outbox, Debezium and Kafka between the services, each span naming the service that made it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ops } from './lib/ops.ts';
import { awaitStatus, newShopper, placeOrder } from './lib/shop.ts';
import { deliveredSpan, detachedSpans, orderPath, spanListing, traceOfOrder } from './lib/traces.ts';

describe('tracing a checkout', () => {
  it('gives an order one connected trace across every service it passed, from POST to DELIVERED', {
    timeout: 120_000,
  }, async () => {
    const shopper = await newShopper('E2E-TRACE', { stock: 5, unitPrice: 1_000 });
    const order = await placeOrder(shopper.customer.id, [shopper.line(1)]);
    const delivered = await awaitStatus(order.id, ['DELIVERED', 'FAILED', 'CANCELLED'], {
      timeoutMs: 60_000,
    });
    assert.equal(delivered.status, 'DELIVERED', JSON.stringify(delivered));

    const trace = await traceOfOrder(order.id, { services: orderPath, last: deliveredSpan });
    const missing = orderPath.filter((service) => !trace.services.includes(service));
    assert.deepEqual(missing, [], `services without a span: ${trace.services}`);
    // DELIVERED is in it (traceOfOrder waits for a consumer's handling of OrderDelivered), and every
    // span hangs on the trace by its parent or a link.
    const detached = detachedSpans(trace).map((span) => `${span.service}: ${span.name}`);
    assert.deepEqual(detached, [], `spans connected to nothing of the trace:\n${spanListing(trace)}`);

    // The root is the gateway's answer to the POST; the wait between the outbox and a consumer shows.
    const root = trace.spans.find((span) => span.parentSpanId === null);
    assert.equal(root?.service, 'gateway', JSON.stringify(root));
    assert.ok(
      trace.spans.some((span) => span.name.startsWith('wait ')),
      'the outbox-to-consumer waits',
    );
    // The same trace is read by its id.
    const byId = await ops.call<{ spans: unknown[] }>('GET', `/api/v1/ops/traces/${trace.traceId}`);
    assert.ok(byId.spans.length >= trace.spans.length);
  });
});
