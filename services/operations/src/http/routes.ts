import {
  type AccessControlOptions,
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  type Pool,
} from '@microshop/platform';
import type { KafkaBrowser } from '../clients/kafka-browser.ts';
import type { GroupAdmin } from '../clients/kafka-groups.ts';
import { type CdcDeps, registerCdcRoutes } from './cdc-routes.ts';
import { registerDeadLetterRoutes } from './dead-letter-routes.ts';
import { registerKafkaRoutes } from './kafka-routes.ts';
import { registerTraceRoutes } from './trace-routes.ts';

/**
 * The operations service's HTTP API, for operators (every route declares `x-access: operator`):
 * dead letters and their redrives and discards, the audit log (dead-letter-routes.ts), and the CDC
 * pipeline and consumer groups (cdc-routes.ts), the stored traces (trace-routes.ts). Through the
 * gateway under `/api/v1/ops/…`; the trace receiver `/v1/traces` only on the service's own port.
 */

export type OpsApp = HttpApp;

export interface HttpDeps extends HttpBase, Omit<CdcDeps, 'pool' | 'logger'> {
  pool: Pool;
  /** Token verification; tests pass a test issuer's. */
  access?: AccessControlOptions;
  /** The console's Kafka reads; without it the /kafka routes are not there (tests of the rest). */
  kafka?: KafkaBrowser;
  /** Consumer groups' members and offsets (the offset reset); comes with `kafka`. */
  groups?: GroupAdmin;
  /** What the trace receiver requires of the exporters (trace-routes.ts); unset, it accepts nothing. */
  traceIngestKey?: string | undefined;
}

/** The app with every route, not listening: the kit listens, tests use `inject`. */
export async function build({
  pool,
  access,
  connect,
  eventFlow,
  eventFlowThresholdMs,
  sample,
  kafka,
  groups,
  traceIngestKey,
  ...base
}: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'operations',
    ...base,
    ...(access === undefined ? {} : { access }),
    openapi: {
      title: 'microshop operations',
      version: '0.1.0',
      description:
        'Dead letters (list, read, redrive, discard), the audit log, and the CDC pipeline: connectors, replication slots, event flow, consumer-group lag; the traces of recent orders.',
    },
  });
  registerDeadLetterRoutes(app, pool);
  registerCdcRoutes(app, { pool, logger: base.logger, connect, eventFlow, eventFlowThresholdMs, sample });
  if (kafka !== undefined) registerKafkaRoutes(app, { pool, kafka, sample, groups });
  registerTraceRoutes(app, { pool, ingestKey: traceIngestKey });
  return app;
}
