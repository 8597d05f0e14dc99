import { randomUUID } from 'node:crypto';
import {
  type OrderValidationEvent,
  orderValidationEventSchema,
  type ValidationCheck,
  validatorOf,
} from '@microshop/contracts';
import type { ConsumedMessage } from '@microshop/platform';
import { consumedMessage } from '@microshop/platform/testing';

// Validation results as the fraud, inventory and order-details services write them.

export function validation(
  check: ValidationCheck,
  result: 'PASS' | 'FAIL',
  options: { orderId?: string; reason?: string; eventId?: string } = {},
): OrderValidationEvent {
  // Parsed, so a fixture that drifts from the contract fails loudly here rather than in a test.
  return orderValidationEventSchema.parse({
    id: options.eventId ?? randomUUID(),
    type: 'OrderValidation',
    occurredAt: new Date().toISOString(),
    source: validatorOf[check],
    orderId: options.orderId ?? randomUUID(),
    check,
    result,
    reason: result === 'FAIL' ? (options.reason ?? `${check.toLowerCase()} said no`) : null,
  });
}

/** The three PASS results of one order. */
export function allPass(orderId: string): OrderValidationEvent[] {
  return (['FRAUD', 'INVENTORY', 'ORDER_DETAILS'] as const).map((check) =>
    validation(check, 'PASS', { orderId }),
  );
}

/** The event as the consumer would hand it over (Debezium puts the event id in header `id`). */
export function consumed(
  event: OrderValidationEvent,
  topic = 'microshop.order-validations',
): ConsumedMessage {
  return consumedMessage(event, { topic, key: event.orderId });
}
