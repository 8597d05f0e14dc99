// What an end-to-end test may know about the test stack it runs against: the addresses of the
// individual service instances (to talk to one instance directly) and a superuser database URL.
import { serviceInstances } from '../../infra/src/apphost.ts';
import { loadSettings } from '../../infra/src/settings.ts';

export const testSettings = loadSettings('test');

export function instanceUrls(service: string): string[] {
  return serviceInstances(testSettings)
    .filter((i) => i.service === service)
    .map((i) => `http://127.0.0.1:${i.port}`);
}
