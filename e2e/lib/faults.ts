// The outage switches of the outside world the stack imitates (payment sandbox, carrier sandbox, mail
// sink): the operator-only `PUT/DELETE /api/v1/outage` of each, called on the instance itself.
import assert from 'node:assert/strict';
import { api } from './api.ts';
import { theInstanceOf } from './stack.ts';

export type OutsideService = 'payment-sandbox' | 'carrier-sandbox' | 'mail-sink';

/** Starts an outage of `service` (e.g. `{mode: 'unavailable'}`); it lasts until `endOutage`. */
export async function startOutage(service: OutsideService, fault: Record<string, unknown>): Promise<void> {
  const res = await api<{ active: boolean }>('PUT', '/api/v1/outage', {
    baseUrl: theInstanceOf(service).url,
    body: { fault },
  });
  assert.equal(res.status, 200, `outage of ${service} → ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.active, true);
}

export async function endOutage(service: OutsideService): Promise<void> {
  const res = await api('DELETE', '/api/v1/outage', { baseUrl: theInstanceOf(service).url });
  assert.equal(
    res.status,
    200,
    `end of the outage of ${service} → ${res.status} ${JSON.stringify(res.body)}`,
  );
}
