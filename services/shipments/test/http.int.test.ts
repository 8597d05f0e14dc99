import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { shipmentSchema } from '@microshop/contracts';
import { orderEvent } from './fixtures.ts';
import {
  asOperator,
  deliverer,
  issuer,
  migratedSchema,
  sandboxCarrier,
  shippingDeps,
  startSandbox,
  startShipmentsApp,
} from './harness.ts';

// The read API, through app.inject on the same app the service listens with.

const db = await migratedSchema('shipments_http');

describe('reading shipments', () => {
  test('a dispatched shipment is read by id and by order id, with status and tracking number', async (t) => {
    const { app, callbackUrl } = await startShipmentsApp(t, db);
    const sandbox = await startSandbox(t);
    const approved = orderEvent('APPROVED');
    await deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), callbackUrl))(approved);
    const trackingNumber = sandbox.bookings(approved.orderId)[0]?.trackingNumber;

    const headers = asOperator;
    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/shipments?orderId=${approved.orderId}`,
      headers,
    });
    const [listed] = list.json().shipments;
    const one = await app.inject({ method: 'GET', url: `/api/v1/shipments/${listed.id}`, headers });

    assert.equal(list.statusCode, 200);
    assert.equal(one.statusCode, 200);
    const shipment = shipmentSchema.parse(one.json());
    assert.deepEqual(listed, one.json());
    assert.equal(shipment.orderId, approved.orderId);
    assert.equal(shipment.status, 'DISPATCHED');
    assert.equal(shipment.carrier, 'sandbox-express');
    assert.equal(shipment.trackingNumber, trackingNumber);
  });

  test('an order without a shipment lists none', async (t) => {
    const { app } = await startShipmentsApp(t, db);

    const answer = await app.inject({
      method: 'GET',
      url: `/api/v1/shipments?orderId=${randomUUID()}`,
      headers: asOperator,
    });

    assert.equal(answer.statusCode, 200);
    assert.deepEqual(answer.json(), { shipments: [] });
  });

  test('an unknown shipment is a 404 problem', async (t) => {
    const { app } = await startShipmentsApp(t, db);

    const answer = await app.inject({
      method: 'GET',
      url: `/api/v1/shipments/${randomUUID()}`,
      headers: asOperator,
    });

    assert.equal(answer.statusCode, 404);
    assert.equal(answer.json().code, 'NOT_FOUND');
  });

  test('a malformed id, or a list without orderId, is a 400 naming the field', async (t) => {
    const { app } = await startShipmentsApp(t, db);

    const badId = await app.inject({
      method: 'GET',
      url: '/api/v1/shipments/not-a-uuid',
      headers: asOperator,
    });
    const noOrder = await app.inject({ method: 'GET', url: '/api/v1/shipments', headers: asOperator });

    assert.equal(badId.statusCode, 400);
    assert.equal(badId.json().errors[0].field, 'id');
    assert.equal(noOrder.statusCode, 400);
    assert.deepEqual(
      noOrder.json().errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
      [['orderId', 'required']],
    );
  });

  test("an order's shipment is its customer's: another customer sees none and gets the 404 of an unknown id", async (t) => {
    const { app, callbackUrl } = await startShipmentsApp(t, db);
    const sandbox = await startSandbox(t);
    const approved = orderEvent('APPROVED');
    await deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), callbackUrl))(approved);
    const get = async (url: string, headers: Record<string, string>) =>
      (await app.inject({ method: 'GET', url, headers })).json();
    const owner = (await issuer.customer(approved.customerId)).headers;
    const stranger = (await issuer.customer()).headers;

    const [own] = (await get(`/api/v1/shipments?orderId=${approved.orderId}`, owner)).shipments;
    assert.equal(own?.orderId, approved.orderId);
    assert.equal((await get(`/api/v1/shipments/${own.id}`, owner)).id, own.id);
    assert.deepEqual(await get(`/api/v1/shipments?orderId=${approved.orderId}`, stranger), { shipments: [] });
    const theirs = await get(`/api/v1/shipments/${own.id}`, stranger);
    const unknown = await get(`/api/v1/shipments/${randomUUID()}`, stranger);
    assert.deepEqual([theirs.status, unknown.status], [404, 404]);
    assert.equal((await app.inject({ method: 'GET', url: `/api/v1/shipments/${own.id}` })).statusCode, 401);
  });
});
