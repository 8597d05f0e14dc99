import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { downstreamResponseHeaders, upstreamRequestHeaders } from '../src/domain/headers.ts';

const context = {
  clientIp: '10.0.0.7',
  requestId: 'req-1',
  host: 'shop.example:8080',
  protocol: 'http' as const,
};

describe('headers sent upstream', () => {
  it('drops hop-by-hop headers and those the Connection header names', () => {
    const headers = upstreamRequestHeaders(
      {
        connection: 'keep-alive, x-secret-hop',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        upgrade: 'h2c',
        'proxy-authorization': 'Basic x',
        'x-secret-hop': 'yes',
        'content-type': 'application/json',
      },
      context,
    );
    assert.deepEqual(Object.keys(headers).sort(), [
      'content-type',
      'x-forwarded-for',
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-request-id',
    ]);
  });

  it('passes the caller’s trace context on unless the gateway traces the request and sends its own', () => {
    const incoming = {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'a=1',
    };
    assert.equal(upstreamRequestHeaders(incoming, context).traceparent, incoming.traceparent);
    const traced = upstreamRequestHeaders(incoming, { ...context, traced: true });
    assert.equal(traced.traceparent, undefined);
    assert.equal(traced.tracestate, undefined);
  });

  it('keeps end-to-end headers such as authorization, idempotency-key and accept', () => {
    const headers = upstreamRequestHeaders(
      { authorization: 'Bearer t', 'idempotency-key': 'k-1', accept: 'application/json' },
      context,
    );
    assert.equal(headers.authorization, 'Bearer t');
    assert.equal(headers['idempotency-key'], 'k-1');
    assert.equal(headers.accept, 'application/json');
  });

  it('replaces host, content-length, expect and the request id with the gateway’s own', () => {
    const headers = upstreamRequestHeaders(
      { host: 'shop.example:8080', 'content-length': '12', expect: '100-continue', 'x-request-id': 'other' },
      context,
    );
    assert.equal(headers.host, undefined);
    assert.equal(headers['content-length'], undefined);
    assert.equal(headers.expect, undefined);
    assert.equal(headers['x-request-id'], 'req-1');
    assert.equal(headers['x-forwarded-host'], 'shop.example:8080');
    assert.equal(headers['x-forwarded-proto'], 'http');
  });

  it('adds the client address to x-forwarded-for, after any earlier hops', () => {
    assert.equal(upstreamRequestHeaders({}, context)['x-forwarded-for'], '10.0.0.7');
    const chained = upstreamRequestHeaders({ 'x-forwarded-for': '192.0.2.1' }, context);
    assert.equal(chained['x-forwarded-for'], '192.0.2.1, 10.0.0.7');
  });
});

describe('headers sent back to the caller', () => {
  it('keeps location, content-type and set-cookie but drops hop-by-hop headers and content-length', () => {
    const headers = downstreamResponseHeaders({
      location: '/api/v1/orders/1',
      'content-type': 'application/problem+json',
      'set-cookie': ['a=1', 'b=2'],
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'content-length': '42',
      'x-request-id': 'from-upstream',
    });
    assert.deepEqual(headers, {
      location: '/api/v1/orders/1',
      'content-type': 'application/problem+json',
      'set-cookie': ['a=1', 'b=2'],
    });
  });
});
