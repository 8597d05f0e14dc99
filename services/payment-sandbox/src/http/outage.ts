import {
  type FaultSwitch,
  type HttpApp,
  type HttpOutage,
  httpOutageSchema,
  installHttpOutage,
  registerFaultRoutes,
} from '@microshop/platform';
import { outage } from '../domain/provider-errors.ts';

/**
 * The chaos run's switch (operators only): `PUT /api/v1/outage {fault: {mode: 'unavailable', status?}
 * | {mode: 'hang', maxMs?}, durationMs?}`, `GET` and `DELETE` the same path. While it lasts, every
 * `/v1/…` request is answered with the provider's own 5xx, or held past the client's timeout (then
 * charged as usual when the outage ends: a charge that lands after the client gave up). The ledger and
 * the keys stay as they are.
 */
export const outagePath = '/api/v1/outage';

export function registerOutage(app: HttpApp, faults: FaultSwitch<HttpOutage>): void {
  installHttpOutage(app, faults, { prefix: '/v1/', answer: outage });
  registerFaultRoutes(app, {
    path: outagePath,
    faults,
    faultSchema: httpOutageSchema,
    what: 'payment provider',
  });
}
