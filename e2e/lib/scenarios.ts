// The seed's EndToEndTest as a scenario that runs against any stack's gateway: a product with a stock
// of 10, ten single-unit orders from ten registered customers (one order each, so fraud never trips),
// then an eleventh. The single-broker test stack and the partitioned stack must give the same outcome.
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
  status: string;
  /** The checks named by the reasons, e.g. `['INVENTORY']`. */
  reasonKinds: string[];
}

export interface StockScenarioOutcome {
  sku: string;
  /** Per order, in the order they were placed (the eleventh last). */
  orders: (OrderOutcome & { id: string; reasons: string[] })[];
  /** GET /api/v1/products/{sku} once every order was decided. */
  stock: number;
  reserved: number;
  durationMs: number;
}

export const scenarioStock = 10;
export const scenarioUnitPrice = 1_500;

/**
 * Runs the scenario against `baseUrl` (a gateway). The ten first orders are placed together and
 * awaited before the eleventh is placed, so the eleventh meets a sold-out product whatever the order
 * in which the first ten were handled.
 */
export async function stockScenario(baseUrl: string): Promise<StockScenarioOutcome> {
  const t0 = performance.now();
  const sku = uniqueSku('E2E-STOCK');
  await putProduct(sku, { unitPrice: scenarioUnitPrice, stock: scenarioStock }, baseUrl);
  const customers = await Promise.all(
    Array.from({ length: scenarioStock + 1 }, (_, i) =>
      registerCustomer({ name: `Stock buyer ${i}`, baseUrl }),
    ),
  );
  const line = { sku, quantity: 1, unitPrice: scenarioUnitPrice };
  const decide = async (customerId: string): Promise<OrderBody> => {
    const order = await placeOrder(customerId, [line], { baseUrl });
    return awaitStatus(order.id, ['VALIDATED', 'FAILED'], { baseUrl });
  };
  const first = await Promise.all(customers.slice(0, scenarioStock).map((c) => decide(c.id)));
  const last = await decide(customers[scenarioStock]?.id ?? '');
  const product = await getProduct(sku, baseUrl);
  return {
    sku,
    orders: [...first, last].map((o) => ({
      id: o.id,
      status: o.status,
      reasons: o.reasons,
      reasonKinds: reasonKinds(o),
    })),
    stock: product.stock,
    reserved: product.reserved,
    durationMs: Math.round(performance.now() - t0),
  };
}

/** What two runs of the scenario must agree on: per order index the status and reason kinds; stock and reserved. */
export function comparable(outcome: StockScenarioOutcome) {
  return {
    orders: outcome.orders.map((o) => ({ status: o.status, reasonKinds: o.reasonKinds })),
    stock: outcome.stock,
    reserved: outcome.reserved,
  };
}
