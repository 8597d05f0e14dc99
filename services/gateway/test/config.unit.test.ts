import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { upstreamVariable } from '@microshop/platform/pure';
import { gatewayConfig, upstreamOrigins } from '../src/config.ts';
import { serviceNames } from '../src/domain/routes.ts';

describe('upstream configuration', () => {
  it('reads every routed service from its UPSTREAM_ variable', () => {
    const env = Object.fromEntries(
      serviceNames.map((s, i) => [upstreamVariable(s), `http://127.0.0.1:${9000 + i}`]),
    );
    const origins = upstreamOrigins(gatewayConfig.parse(env));
    for (const [i, service] of serviceNames.entries()) {
      assert.deepEqual(origins[service], [`http://127.0.0.1:${9000 + i}`]);
    }
  });

  it('splits a comma-separated list and trims it to origins', () => {
    const config = gatewayConfig.parse({
      UPSTREAM_ORDERS: ' http://127.0.0.1:8101/ , http://127.0.0.1:8102',
    });
    assert.deepEqual(config.UPSTREAM_ORDERS, ['http://127.0.0.1:8101', 'http://127.0.0.1:8102']);
    assert.deepEqual(config.UPSTREAM_CUSTOMERS, []);
  });

  it('trusts no proxy unless told, and takes addresses or CIDR ranges only', () => {
    assert.deepEqual(gatewayConfig.parse({}).TRUSTED_PROXIES, []);
    assert.deepEqual(gatewayConfig.parse({ TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16' }).TRUSTED_PROXIES, [
      '10.0.0.1',
      '192.168.0.0/16',
    ]);
    assert.equal(gatewayConfig.safeParse({ TRUSTED_PROXIES: 'loadbalancer.local' }).success, false);
  });

  it('refuses an upstream URL with a path or another scheme', () => {
    assert.equal(gatewayConfig.safeParse({ UPSTREAM_ORDERS: 'http://127.0.0.1:8101/api' }).success, false);
    assert.equal(gatewayConfig.safeParse({ UPSTREAM_ORDERS: 'ftp://127.0.0.1:8101' }).success, false);
    assert.equal(gatewayConfig.safeParse({ UPSTREAM_ORDERS: 'not a url' }).success, false);
  });

  it('defaults to port 8080, a 1 MiB body limit, 200 rps with a burst of 400 and a 35 s upstream timeout', () => {
    const config = gatewayConfig.parse({});
    assert.equal(config.HTTP_PORT, 8080);
    assert.equal(config.BODY_LIMIT_BYTES, 1024 * 1024);
    assert.equal(config.RATE_LIMIT_RPS, 200);
    assert.equal(config.RATE_LIMIT_BURST, 400);
    assert.equal(config.UPSTREAM_TIMEOUT_MS, 35_000);
    assert.equal(config.HEALTH_INTERVAL_MS, 2000);
  });
});
