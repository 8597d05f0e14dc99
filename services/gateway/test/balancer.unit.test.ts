import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  afterConnectFailure,
  afterProbeFailure,
  afterSuccess,
  type InstanceHealth,
  initialHealth,
  RoundRobin,
  tryOrder,
} from '../src/domain/balancer.ts';

const up: InstanceHealth = initialHealth;
const down: InstanceHealth = { healthy: false, consecutiveFailures: 3 };

describe('round robin', () => {
  it('starts each turn at the next instance', () => {
    const rr = new RoundRobin();
    const firsts = Array.from({ length: 6 }, () => rr.next([up, up, up])[0]);
    assert.deepEqual(firsts, [0, 1, 2, 0, 1, 2]);
  });

  it('offers the other healthy instances after the first, as fall-backs', () => {
    assert.deepEqual(tryOrder([up, up, up], 1), [1, 2, 0]);
  });

  it('skips unhealthy instances and spreads turns evenly over the healthy ones', () => {
    const rr = new RoundRobin();
    const firsts = Array.from({ length: 4 }, () => rr.next([up, down, up])[0]);
    assert.deepEqual(firsts, [0, 2, 0, 2]);
    assert.deepEqual(tryOrder([up, down, up], 0), [0, 2]);
  });

  it('offers nothing when every instance is down', () => {
    assert.deepEqual(tryOrder([down, down], 0), []);
    assert.deepEqual(tryOrder([], 5), []);
  });
});

describe('instance health', () => {
  it('takes an instance out only after the threshold of failed probes in a row', () => {
    const once = afterProbeFailure(up, 2, 'timeout');
    assert.equal(once.healthy, true);
    const twice = afterProbeFailure(once, 2, 'timeout');
    assert.equal(twice.healthy, false);
    assert.equal(twice.lastError, 'timeout');
  });

  it('brings an instance back after one successful probe', () => {
    assert.deepEqual(afterSuccess(down), { healthy: true, consecutiveFailures: 0 });
  });

  it('resets the failure streak on a success', () => {
    const recovered = afterSuccess(afterProbeFailure(up, 2, 'timeout'));
    assert.equal(afterProbeFailure(recovered, 2, 'timeout').healthy, true);
  });

  it('keeps an instance out while probes keep failing', () => {
    assert.equal(afterProbeFailure(down, 2, 'refused').healthy, false);
  });

  it('takes an instance out at once when its connection is refused', () => {
    const refused = afterConnectFailure(up, 'ECONNREFUSED');
    assert.equal(refused.healthy, false);
    assert.equal(refused.lastError, 'ECONNREFUSED');
  });
});
