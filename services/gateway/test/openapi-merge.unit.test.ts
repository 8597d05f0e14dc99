import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeOpenApi } from '../src/domain/openapi-merge.ts';
import { classifyUpstreamError } from '../src/domain/upstream-errors.ts';

const info = { title: 'microshop API', version: '1.0.0', description: 'all services' };

describe('merging OpenAPI documents', () => {
  it('unions the paths and components of every service under the gateway’s info', () => {
    const merged = mergeOpenApi(
      info,
      [
        {
          service: 'orders',
          document: {
            info: { title: 'orders' },
            paths: { '/api/v1/orders': { post: { operationId: 'createOrder' } } },
            components: { schemas: { Order: { type: 'object' }, Problem: { title: 'from orders' } } },
            tags: [{ name: 'orders' }],
          },
        },
        {
          service: 'customers',
          document: {
            paths: { '/api/v1/customers': { post: { operationId: 'createCustomer' } } },
            components: { schemas: { Customer: { type: 'object' }, Problem: { title: 'from customers' } } },
            tags: [{ name: 'customers' }, { name: 'orders' }],
          },
        },
      ],
      ['inventory'],
    );
    assert.deepEqual(merged.info, info);
    assert.deepEqual(Object.keys(merged.paths).sort(), ['/api/v1/customers', '/api/v1/orders']);
    assert.deepEqual(Object.keys(merged.components.schemas ?? {}).sort(), ['Customer', 'Order', 'Problem']);
    assert.deepEqual(merged.components.schemas?.Problem, { title: 'from orders' });
    assert.deepEqual(
      merged.tags.map((t) => t.name),
      ['orders', 'customers'],
    );
    assert.deepEqual(merged['x-microshop-services'], {
      included: ['orders', 'customers'],
      unavailable: ['inventory'],
    });
  });

  it('leaves out the paths the gateway does not answer', () => {
    const document = { paths: { '/api/v1/mail': { get: {} }, '/api/v1/outage': { put: {} } } };
    const merged = mergeOpenApi(
      info,
      [{ service: 'mail-sink', document }],
      [],
      (path) => path !== '/api/v1/outage',
    );
    assert.deepEqual(Object.keys(merged.paths), ['/api/v1/mail']);
  });

  it('merges the methods of one path served by two documents', () => {
    const merged = mergeOpenApi(
      info,
      [
        { service: 'a', document: { paths: { '/x': { get: { operationId: 'getX' } } } } },
        { service: 'b', document: { paths: { '/x': { put: { operationId: 'putX' } } } } },
      ],
      [],
    );
    assert.deepEqual(Object.keys(merged.paths['/x'] ?? {}).sort(), ['get', 'put']);
  });

  it('ignores a document that is not an object and keys that would reach a prototype', () => {
    const hostile = JSON.parse(
      '{"paths":{"__proto__":{"polluted":true},"/ok":{"__proto__":{"x":1},"get":{}}}}',
    );
    const merged = mergeOpenApi(
      info,
      [
        { service: 'broken', document: 'not json' },
        { service: 'hostile', document: hostile },
      ],
      [],
    );
    assert.deepEqual(Object.keys(merged.paths), ['/ok']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(merged.paths['/ok']), Object.prototype);
  });
});

describe('classifying upstream failures', () => {
  it('treats a refused or unreachable connection as not sent, so it may go to another instance', () => {
    assert.equal(
      classifyUpstreamError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
      'not-sent',
    );
    assert.equal(classifyUpstreamError({ code: 'UND_ERR_CONNECT_TIMEOUT' }), 'not-sent');
  });

  it('treats a reset or closed socket as failed after sending, never to be retried', () => {
    assert.equal(classifyUpstreamError({ code: 'ECONNRESET' }), 'failed');
    assert.equal(classifyUpstreamError({ code: 'UND_ERR_SOCKET' }), 'failed');
    assert.equal(classifyUpstreamError(new Error('no code')), 'failed');
  });

  it('treats undici’s header and body timeouts as timeouts', () => {
    assert.equal(classifyUpstreamError({ code: 'UND_ERR_HEADERS_TIMEOUT' }), 'timeout');
    assert.equal(classifyUpstreamError({ code: 'UND_ERR_BODY_TIMEOUT' }), 'timeout');
  });

  it('looks at the cause when the error itself has no code', () => {
    assert.equal(
      classifyUpstreamError(new Error('wrapped', { cause: { code: 'ECONNREFUSED' } })),
      'not-sent',
    );
  });
});
