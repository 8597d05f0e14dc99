import {
  AppError,
  type FaultSwitch,
  type HttpApp,
  type HttpOutage,
  httpOutageSchema,
  installHttpOutage,
  problemContentType,
  registerFaultRoutes,
  toProblem,
} from '@microshop/platform';

/**
 * The chaos run's switch (operators only): `PUT /api/v1/outage {fault: {mode: 'unavailable', status?}
 * | {mode: 'hang', maxMs?}, durationMs?}`, `GET` and `DELETE` the same path. While it lasts, every
 * `/v1/…` request (bookings, look-ups, cancellations) is answered with a 5xx problem, or held past the
 * client's timeout (then handled as usual when the outage ends: a booking that lands after its client
 * gave up). Deliveries and their callbacks go on, and nothing booked is lost.
 */
export const outagePath = '/api/v1/outage';

export function registerOutage(app: HttpApp, faults: FaultSwitch<HttpOutage>): void {
  installHttpOutage(app, faults, {
    prefix: '/v1/',
    answer: (status, request) => ({
      status,
      contentType: problemContentType,
      body: {
        ...toProblem(
          new AppError('UPSTREAM_UNAVAILABLE', 'sandbox-express is unavailable (an outage)'),
          request.id,
        ),
        status,
      },
    }),
  });
  registerFaultRoutes(app, { path: outagePath, faults, faultSchema: httpOutageSchema, what: 'carrier' });
}
