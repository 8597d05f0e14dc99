import { randomUUID } from 'node:crypto';
import type { Pool } from 'undici';

export const orderBody = () =>
  JSON.stringify({
    customerId: randomUUID(),
    items: [
      { sku: 'JUMPERS', quantity: 2, unitPrice: 2500 },
      { sku: 'STOCKINGS', quantity: 1, unitPrice: 999 },
    ],
    currency: 'EUR',
    payment: { token: 'tok_visa' },
  });

/** POSTs one order; resolves with its id, or null if the answer was not 201. */
export async function postOrder(pool: Pool): Promise<string | null> {
  const res = await pool.request({
    method: 'POST',
    path: '/api/v1/orders',
    headers: { 'content-type': 'application/json' },
    body: orderBody(),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201) return null;
  return (JSON.parse(text) as { id: string }).id;
}
