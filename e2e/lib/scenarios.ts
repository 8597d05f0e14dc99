// The stock scenario, run against any stack's gateway: a product with a stock
// of 10, ten single-unit orders from ten registered customers (one order each, so fraud never trips),
// then an eleventh. The reserved stock and the stock after the approvals must be exact, and the
// single-broker test stack and the partitioned stack must end the same way.
import type { OrderBody } from './api.ts';
import {
  awaitStatus,
  getProduct,
  placeOrder,
  putProduct,
  reasonKinds,
  registerCustomer,
  uniqueSku,
} from './shop.ts';

export interface OrderOutcome {
  /** What validation decided: VALIDATED (reached, whatever came after) or FAILED. */
  validation: string;
  /** The status the order ended in (DELIVERED, FAILED or CANCELLED). */
  status: string;
  /** The checks named by the reasons, e.g. `['INVENTORY']`. */
  reasonKinds: string[];
}

export interface StockScenarioOutcome {
  sku: string;
  /** Per order, in the order they were placed (the eleventh last). */
  orders: (OrderOutcome & { id: string; reasons: string[] })[];
  /** GET /api/v1/products/{sku} once every order has ended and inventory has settled them. */
  stock: number;
  reserved: number;
  durationMs: number;
}

export const scenarioStock = 10;
export const scenarioUnitPrice = 1_500;
const endStatuses = ['DELIVERED', 'FAILED', 'CANCELLED'];

/**
 * Runs the scenario against `baseUrl` (a gateway) of the stack whose database is at `databaseUrl`. The ten first orders are placed together and
 * awaited until validated (the blocking GET answers for a status reached earlier, so an order
 * already APPROVED counts) before the eleventh is placed: the eleventh meets a sold-out product
 * whatever the order in which the first ten were handled, and whether their reservations are still
 * held or already turned into stock decrements. Then every order is awaited to its end, and the
 * product read once inventory has settled every reservation (or after 20 s, as it then is).
 */
export async function stockScenario(
  baseUrl: string,
  databaseUrl: string | undefined = process.env.DATABASE_URL,
): Promise<StockScenarioOutcome> {
  const t0 = performance.now();
  const sku = uniqueSku('E2E-STOCK');
  await putProduct(sku, { unitPrice: scenarioUnitPrice, stock: scenarioStock }, baseUrl, databaseUrl);
  const customers = await Promise.all(
    Array.from({ length: scenarioStock + 1 }, (_, i) =>
      registerCustomer({ name: `Stock buyer ${i}`, baseUrl }),
    ),
  );
  const line = { sku, quantity: 1, unitPrice: scenarioUnitPrice };
  const decide = async (customerId: string): Promise<{ id: string; validation: string }> => {
    const order = await placeOrder(customerId, [line], { baseUrl });
    const decided = await awaitStatus(order.id, ['VALIDATED', 'FAILED'], { baseUrl });
    // Only a validated order gets past VALIDATED; a FAILED one may have failed there or later
    // (its reasons tell).
    return { id: order.id, validation: decided.status === 'FAILED' ? 'FAILED' : 'VALIDATED' };
  };
  const first = await Promise.all(customers.slice(0, scenarioStock).map((c) => decide(c.id)));
  const last = await decide(customers[scenarioStock]?.id ?? '');
  const ended: OrderBody[] = await Promise.all(
    [...first, last].map((o) => awaitStatus(o.id, endStatuses, { baseUrl })),
  );
  const deadline = Date.now() + 20_000;
  let product = await getProduct(sku, baseUrl);
  while (product.reserved !== 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    product = await getProduct(sku, baseUrl);
  }
  return {
    sku,
    orders: ended.map((o, i) => ({
      id: o.id,
      validation: [...first, last][i]?.validation ?? '',
      status: o.status,
      reasons: o.reasons,
      reasonKinds: reasonKinds(o),
    })),
    stock: product.stock,
    reserved: product.reserved,
    durationMs: Math.round(performance.now() - t0),
  };
}

/** What two runs of the scenario must agree on: per order its validation, end status and reason kinds; stock and reserved. */
export function comparable(outcome: StockScenarioOutcome) {
  return {
    orders: outcome.orders.map((o) => ({
      validation: o.validation,
      status: o.status,
      reasonKinds: o.reasonKinds,
    })),
    stock: outcome.stock,
    reserved: outcome.reserved,
  };
}
