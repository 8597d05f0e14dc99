import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWaiterRegistry } from '../src/http/waiter-registry.ts';

const never = new AbortController().signal;

describe('waiter registry', () => {
  test('a wake-up that arrives while the waiter is reading is kept for its next wait', async () => {
    const registry = createWaiterRegistry();
    const waiter = registry.register('order-1');
    waiter.reset();
    registry.wake('order-1'); // lands between the read and the wait
    assert.equal(await waiter.next(never), 'changed');
  });

  test('reset forgets wake-ups from before the read', async () => {
    const registry = createWaiterRegistry();
    const waiter = registry.register('order-1');
    registry.wake('order-1');
    waiter.reset();
    const aborted = new AbortController();
    const next = waiter.next(aborted.signal);
    aborted.abort();
    assert.equal(await next, 'aborted');
  });

  test('a wake-up reaches every waiter of that order and no other', async () => {
    const registry = createWaiterRegistry();
    const first = registry.register('order-1');
    const second = registry.register('order-1');
    const other = registry.register('order-2');
    const pending = [first.next(never), second.next(never)];
    assert.equal(registry.wake('order-1'), 2);
    assert.deepEqual(await Promise.all(pending), ['changed', 'changed']);
    const stop = new AbortController();
    const otherNext = other.next(stop.signal);
    stop.abort();
    assert.equal(await otherNext, 'aborted');
  });

  test('wakeAll wakes the waiters of every order', async () => {
    const registry = createWaiterRegistry();
    const waiters = ['a', 'b', 'c'].map((id) => registry.register(id));
    const pending = waiters.map((waiter) => waiter.next(never));
    registry.wakeAll();
    assert.deepEqual(await Promise.all(pending), ['changed', 'changed', 'changed']);
  });

  test('releaseAll answers waiting and later waiters "released"', async () => {
    const registry = createWaiterRegistry();
    const waiting = registry.register('order-1').next(never);
    registry.releaseAll();
    assert.equal(await waiting, 'released');
    assert.equal(await registry.register('order-2').next(never), 'released');
  });

  test('dispose removes the waiter once, however often it is called, and settles a pending wait', async () => {
    const registry = createWaiterRegistry();
    const waiter = registry.register('order-1');
    registry.register('order-2');
    assert.equal(registry.size, 2);
    const pending = waiter.next(never);
    waiter.dispose();
    waiter.dispose();
    assert.equal(await pending, 'aborted');
    assert.equal(registry.size, 1);
    assert.equal(registry.wake('order-1'), 0, 'an order with no waiters left is forgotten');
  });
});
