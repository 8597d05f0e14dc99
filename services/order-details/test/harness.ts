import type { TopicName } from '@microshop/contracts';
import { asMessageHandler, type MessageHandler, type Pool } from '@microshop/platform';
import { serviceTestKit } from '@microshop/platform/testing';
import { type CheckOrdersOptions, checkOrders } from '../src/handlers/order-created.ts';
import { copyReferences } from '../src/handlers/reference-events.ts';
import { service } from '../src/main.ts';

// What the integration tests share: a migrated throwaway schema, a quiet logger, and the two
// consumers' handlers as the kit wires them (in a transaction on the pool, with the group's inbox).

export const { logger, migratedSchema, handlerContext } = serviceTestKit(service);

export function checkOrdersOn(
  pool: Pool,
  options: CheckOrdersOptions,
  consumer = 'order-details',
): MessageHandler {
  return asMessageHandler(checkOrders(options), { pool, consumer });
}

export function copyReferencesOn(
  pool: Pool,
  validationsTopic: TopicName,
  consumer = 'order-details-references',
): MessageHandler {
  return asMessageHandler(copyReferences({ validationsTopic }), { pool, consumer });
}
