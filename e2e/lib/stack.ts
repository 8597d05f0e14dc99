// What an end-to-end test may know about, and do to, the test stack it runs against: the addresses of
// the individual service instances (to talk to one instance directly), and stopping a part and
// starting it again (the ".serial." tests that imitate an outage or a crash).
import assert from 'node:assert/strict';
import { type ServiceInstance, serviceInstances } from '../../infra/src/apphost.ts';
import { stackDirs } from '../../infra/src/paths.ts';
import { readPidFile, stopPart } from '../../infra/src/proc.ts';
import { loadSettings } from '../../infra/src/settings.ts';
import { startService, startServiceReady } from '../../infra/src/stack.ts';

export const testSettings = loadSettings('test');
export const testDirs = stackDirs(testSettings.home);

/** The instances of one service on the test stack. */
export function instancesOf(service: string): ServiceInstance[] {
  return serviceInstances(testSettings).filter((instance) => instance.service === service);
}

export function instanceUrls(service: string): string[] {
  return instancesOf(service).map((instance) => instance.url);
}

/** The one instance of a service the test stack runs once (fails if it runs none). */
export function theInstanceOf(service: string): ServiceInstance {
  const [instance] = instancesOf(service);
  assert.ok(instance, `the test stack runs ${service}`);
  return instance;
}

/**
 * Stops a running part of the test stack (`payments`, `connect`, …); `crash` kills it with SIGKILL
 * instead of its clean stop signal. Fails if the part is not running.
 */
export async function stopPartOfStack(name: string, options: { crash?: boolean } = {}): Promise<void> {
  const part = readPidFile(testDirs.run, name);
  assert.ok(part, `${name} is running`);
  await stopPart(testDirs.run, part, options.crash ? { signal: 'SIGKILL' } : {});
}

/** Starts a stopped service instance again and waits until it is ready. */
export async function restartInstance(instance: ServiceInstance): Promise<void> {
  await startServiceReady(instance, testDirs, 60_000);
}

/**
 * Starts the instance again, without waiting, unless it runs: for a `finally` that leaves the shared
 * test stack whole after a test failed between stopping and restarting it.
 */
export function leaveRunning(instance: ServiceInstance): void {
  if (!readPidFile(testDirs.run, instance.part)) startService(instance, testDirs);
}
