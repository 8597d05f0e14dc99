import { type FaultSwitch, type HttpApp, registerFaultRoutes } from '@microshop/platform';
import { z } from 'zod';
import type { SmtpOutage } from '../handlers/smtp.ts';

/**
 * The chaos run's switch (operators only), `PUT /api/v1/outage {fault, durationMs?}` with `fault`
 * `{mode: 'refuse-connections'}` (the SMTP port closes until the outage ends) or `{mode: 'reject',
 * code, message?}` (every message answered with that 4xx or 5xx code); `GET` and `DELETE` the same
 * path. The mailbox and its journal stay as they are.
 */
export const outagePath = '/api/v1/outage';

export const smtpOutageSchema = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('refuse-connections') }),
    z.object({
      mode: z.literal('reject'),
      code: z.number().int().min(400).max(599).describe('4xx: try again later; 5xx: refused for good'),
      message: z.string().min(1).max(200).default('Service not available (outage)'),
    }),
  ])
  .meta({ id: 'SmtpOutage' }) satisfies z.ZodType<SmtpOutage>;

export function registerOutage(app: HttpApp, faults: FaultSwitch<SmtpOutage>): void {
  registerFaultRoutes(app, { path: outagePath, faults, faultSchema: smtpOutageSchema, what: 'SMTP' });
}
