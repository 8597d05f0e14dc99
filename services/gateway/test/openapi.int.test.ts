import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFakeUpstream } from './fake-upstream.ts';
import { givenGateway } from './gateway.ts';

describe('the merged API document', () => {
  it('contains the paths of every service that answers, under the gateway’s info', async () => {
    const orders = await startFakeUpstream('orders', ['/api/v1/orders', '/api/v1/orders/{id}']);
    const customers = await startFakeUpstream('customers', ['/api/v1/customers']);
    const { app } = await givenGateway({ orders: [orders.origin], customers: [customers.origin] });
    const response = await app.inject('/api/openapi.json');
    assert.equal(response.statusCode, 200);
    const document = response.json();
    assert.equal(document.info.title, 'microshop API');
    assert.deepEqual(Object.keys(document.paths).sort(), [
      '/api/v1/customers',
      '/api/v1/orders',
      '/api/v1/orders/{id}',
    ]);
    assert.deepEqual(Object.keys(document.components.schemas).sort(), ['customersThing', 'ordersThing']);
  });

  it('leaves out a service that is down instead of failing', async () => {
    const orders = await startFakeUpstream('orders', ['/api/v1/orders']);
    const { app } = await givenGateway({ orders: [orders.origin], inventory: ['http://127.0.0.1:1'] });
    const response = await app.inject('/api/openapi.json');
    assert.equal(response.statusCode, 200);
    const document = response.json();
    assert.deepEqual(Object.keys(document.paths), ['/api/v1/orders']);
    assert.deepEqual(document['x-microshop-services'], { included: ['orders'], unavailable: ['inventory'] });
  });

  it('asks another instance when the first one does not answer', async () => {
    const first = await startFakeUpstream('orders', ['/api/v1/orders']);
    const second = await startFakeUpstream('orders', ['/api/v1/orders']);
    const { app } = await givenGateway({ orders: [first.origin, second.origin] });
    await first.stop();
    const document = (await app.inject('/api/openapi.json')).json();
    assert.deepEqual(Object.keys(document.paths), ['/api/v1/orders']);
  });

  it('serves Swagger UI as HTML at /api/docs, showing the merged document', async () => {
    const orders = await startFakeUpstream('orders', ['/api/v1/orders']);
    const { app } = await givenGateway({ orders: [orders.origin] });
    const page = await app.inject('/api/docs');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<html/i);
    const shown = await app.inject('/api/docs/json');
    assert.deepEqual(Object.keys(shown.json().paths), ['/api/v1/orders']);
  });
});
