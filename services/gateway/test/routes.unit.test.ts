import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { upstreamVariable } from '@microshop/platform/pure';
import { findRoute, matchRoute, routeGroup } from '../src/domain/routes.ts';

describe('route table', () => {
  const cases: [path: string, service: string][] = [
    ['/api/v1/orders', 'orders'],
    ['/api/v1/orders/', 'orders'],
    ['/api/v1/orders/0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d', 'orders'],
    ['/api/v1/orders/0b7d8a55/cancel', 'orders'],
    ['/api/v1/orders/0b7d8a55/timeline', 'order-background'],
    ['/api/v1/orders/0b7d8a55/timeline/', 'order-background'],
    ['/api/v1/customers', 'customers'],
    ['/api/v1/customers/6f1c2f7e', 'customers'],
    ['/api/v1/customers/6f1c2f7e/orders', 'order-background'],
    ['/api/v1/products', 'inventory'],
    ['/api/v1/products/JUMPERS/stock', 'inventory'],
    ['/api/v1/payments/abc', 'payments'],
    ['/api/v1/shipments/abc/delivered', 'shipments'],
    ['/api/v1/notifications', 'notifications'],
    ['/api/v1/auth/sign-in', 'customers'],
    ['/api/v1/auth/jwks.json', 'customers'],
    ['/api/v1/fraud/customers/6f1c2f7e/sessions', 'fraud'],
    ['/api/v1/validations/0b7d8a55', 'validation-aggregator'],
    ['/api/v1/mail', 'mail-sink'],
    ['/api/v1/attention/orders', 'order-background'],
    ['/api/v1/order-stats', 'order-background'],
    ['/api/v1/ops/dead-letters', 'operations'],
    ['/api/v1/ops/connectors/microshop-outbox/restart', 'operations'],
  ];
  for (const [path, service] of cases) {
    it(`sends ${path} to ${service}`, () => {
      assert.equal(matchRoute(path), service);
    });
  }

  it('sends a timeline path with more segments to orders, not order-background', () => {
    assert.equal(matchRoute('/api/v1/orders/abc/timeline/extra'), 'orders');
  });

  it('does not take an empty id for a timeline', () => {
    assert.equal(matchRoute('/api/v1/orders//timeline'), 'orders');
  });

  const unknown = ['/api/v1/unknown', '/api/v1/ordersx', '/api/v1/', '/api/v2/orders', '/orders', '/'];
  for (const path of unknown) {
    it(`finds no service for ${JSON.stringify(path)}`, () => {
      assert.equal(matchRoute(path), undefined);
    });
  }

  it('keeps the mail sink and the operator views to operators, nothing else', () => {
    const operatorsOnly = [
      '/api/v1/mail/abc',
      '/api/v1/fraud/x',
      '/api/v1/validations/x',
      '/api/v1/ops/audit',
      '/api/v1/order-stats',
    ];
    for (const path of operatorsOnly) assert.equal(findRoute(path)?.operatorsOnly, true, path);
    for (const path of ['/api/v1/orders/x', '/api/v1/auth/sign-in', '/api/v1/products']) {
      assert.equal(findRoute(path)?.operatorsOnly, undefined, path);
    }
  });

  it('puts signing in and up, writes and reads in route groups of their own', () => {
    assert.equal(routeGroup('POST', '/api/v1/auth/sign-in'), 'auth');
    assert.equal(routeGroup('GET', '/api/v1/auth/jwks.json'), 'auth');
    assert.equal(routeGroup('POST', '/api/v1/orders'), 'write');
    assert.equal(routeGroup('PUT', '/api/v1/products/JUMPERS'), 'write');
    assert.equal(routeGroup('GET', '/api/v1/orders/x'), 'read');
    assert.equal(routeGroup('HEAD', '/api/v1/products'), 'read');
  });

  it('names each service variable UPSTREAM_<NAME> with dashes as underscores', () => {
    assert.equal(upstreamVariable('order-background'), 'UPSTREAM_ORDER_BACKGROUND');
    assert.equal(upstreamVariable('orders'), 'UPSTREAM_ORDERS');
  });
});
