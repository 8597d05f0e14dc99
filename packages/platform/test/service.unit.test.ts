import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { envPort } from '../src/config.ts';
import { runService, type ServiceRuntime } from '../src/service.ts';

/** A fake process: records exits and printed errors, and lets the test send signals. */
function fakeRuntime() {
  const events = new EventEmitter();
  const exits: number[] = [];
  const printed: string[] = [];
  const logLines: string[] = [];
  const runtime: ServiceRuntime = {
    on: (event, listener) => events.on(event, listener),
    exit: (code) => exits.push(code),
    printError: (text) => printed.push(text),
    logDestination: { write: (line: string) => logLines.push(line) },
  };
  return { runtime, events, exits, printed, logLines };
}

const config = z.object({ HTTP_PORT: envPort() });

test('a configuration error is printed in full and the process exits 1 without starting', async () => {
  const fake = fakeRuntime();
  let started = false;
  await runService({
    name: 'orders',
    config,
    env: { HTTP_PORT: 'x' },
    runtime: fake.runtime,
    start: async () => {
      started = true;
    },
  });
  assert.deepEqual(fake.exits, [1]);
  assert.equal(started, false);
  assert.match(
    fake.printed.join('\n'),
    /orders: Invalid configuration \(1 problem\):\n {2}- HTTP_PORT: must be an integer/,
  );
});

test('SIGTERM runs the stop steps in reverse order of registration, then exits 0', async () => {
  const fake = fakeRuntime();
  const stopped: string[] = [];
  const handle = await runService({
    name: 'orders',
    config,
    env: { HTTP_PORT: '8081' },
    runtime: fake.runtime,
    start: async ({ config, onStop }) => {
      assert.equal(config.HTTP_PORT, 8081);
      onStop('database', () => void stopped.push('database'));
      onStop('consumer', async () => void stopped.push('consumer'));
      onStop('http', () => void stopped.push('http'));
    },
  });
  fake.events.emit('SIGTERM');
  await handle?.shutdown(0, 'test');
  assert.deepEqual(stopped, ['http', 'consumer', 'database']);
  assert.deepEqual(fake.exits, [0]);
});

test('a failing start stops what it had already started and exits 1', async () => {
  const fake = fakeRuntime();
  const stopped: string[] = [];
  await runService({
    name: 'orders',
    config,
    env: { HTTP_PORT: '8081' },
    runtime: fake.runtime,
    start: async ({ onStop }) => {
      onStop('database', () => void stopped.push('database'));
      throw new Error('port in use');
    },
  });
  assert.deepEqual(stopped, ['database']);
  assert.deepEqual(fake.exits, [1]);
  assert.ok(
    fake.logLines.some((line) => line.includes('service failed to start') && line.includes('port in use')),
  );
});

test('a stop step that hangs does not keep the process alive past the deadline', async () => {
  const fake = fakeRuntime();
  const handle = await runService({
    name: 'orders',
    config,
    env: { HTTP_PORT: '8081' },
    runtime: fake.runtime,
    stopTimeoutMs: 50,
    start: async ({ onStop }) => onStop('stuck', () => new Promise(() => {})),
  });
  const started = Date.now();
  await handle?.shutdown(0, 'test');
  assert.ok(Date.now() - started < 1000);
  assert.deepEqual(fake.exits, [1]);
});

test('an unhandled rejection is logged as fatal and shuts the service down with exit 1', async () => {
  const fake = fakeRuntime();
  const handle = await runService({
    name: 'orders',
    config,
    env: { HTTP_PORT: '1' },
    runtime: fake.runtime,
    start: async () => {},
  });
  fake.events.emit('unhandledRejection', new Error('lost promise'));
  await handle?.shutdown(0, 'test');
  assert.deepEqual(fake.exits, [1]);
  assert.ok(fake.logLines.some((line) => line.includes('"level":"fatal"') && line.includes('lost promise')));
});

test('a second signal while stopping exits at once', async () => {
  const fake = fakeRuntime();
  await runService({
    name: 'orders',
    config,
    env: { HTTP_PORT: '1' },
    runtime: fake.runtime,
    start: async ({ onStop }) => onStop('slow', () => sleep(200)),
  });
  fake.events.emit('SIGINT');
  fake.events.emit('SIGINT');
  assert.deepEqual(fake.exits, [1]);
});
