import type { Logger, Pool } from '@microshop/platform';
import { problemDetailsSchema } from '@microshop/platform';
import type { ConnectClient } from '../clients/connect.ts';
import type { EventFlow } from '../domain/event-flow.ts';
import { actOnConnector, type ConnectorAction } from '../handlers/connector-actions.ts';
import { replicationSlots } from '../store/replication.ts';
import type { Sample } from '../tasks/sampler.ts';
import {
  connectorActionView,
  connectorsView,
  connectorView,
  consumerGroupsView,
  eventFlowView,
  slotsView,
} from './cdc-schemas.ts';
import { actorOf } from './dead-letter-routes.ts';
import type { OpsApp } from './routes.ts';
import { connectorActionBody, connectorParams } from './schemas.ts';

export interface CdcDeps {
  pool: Pool;
  connect: ConnectClient;
  logger: Logger;
  eventFlow: () => Promise<EventFlow>;
  eventFlowThresholdMs: number;
  /** The latest sample of consumer-group lag, taken now if there is none yet. */
  sample: () => Promise<Sample>;
}

/**
 * The CDC and consumer-group routes, operators only:
 *   GET  /api/v1/ops/connectors                        every connector with its tasks, state and trace
 *   GET  /api/v1/ops/connectors/{name}
 *   POST /api/v1/ops/connectors/{name}/restart|pause|resume   audited; answers the state before and after
 *   GET  /api/v1/ops/replication-slots                 slot lag, retained WAL, WAL left before invalidation
 *   GET  /api/v1/ops/event-flow                        the heartbeat round trip and the outbox lag
 *   GET  /api/v1/ops/consumer-groups                   every group's lag per topic and partition (sampled)
 */
export function registerCdcRoutes(app: OpsApp, deps: CdcDeps): void {
  const operator = 'operator' as const;
  const problems = {
    400: problemDetailsSchema,
    404: problemDetailsSchema,
    409: problemDetailsSchema,
    503: problemDetailsSchema,
  };

  app.get(
    '/api/v1/ops/connectors',
    {
      schema: {
        'x-access': operator,
        summary: 'Kafka Connect connectors and their tasks',
        response: { 200: connectorsView, ...problems },
      },
    },
    async () => ({ connectors: await deps.connect.list() }),
  );

  app.get(
    '/api/v1/ops/connectors/:name',
    {
      schema: {
        'x-access': operator,
        summary: 'One connector and its tasks',
        params: connectorParams,
        response: { 200: connectorView, ...problems },
      },
    },
    async (request) => deps.connect.status(request.params.name),
  );

  for (const action of ['restart', 'pause', 'resume'] as const satisfies readonly ConnectorAction[]) {
    app.post(
      `/api/v1/ops/connectors/:name/${action}`,
      {
        schema: {
          'x-access': operator,
          summary: `${action} a connector (audited)`,
          params: connectorParams,
          body: connectorActionBody,
          response: { 200: connectorActionView, ...problems },
        },
      },
      async (request) =>
        actOnConnector(
          deps,
          {
            connector: request.params.name,
            action,
            onlyFailed: request.body.onlyFailed,
            reason: request.body.reason,
          },
          actorOf(request),
        ),
    );
  }

  app.get(
    '/api/v1/ops/replication-slots',
    {
      schema: {
        'x-access': operator,
        summary: 'Logical replication slots and their lag',
        response: { 200: slotsView, ...problems },
      },
    },
    async () => ({ slots: await replicationSlots(deps.pool) }),
  );

  app.get(
    '/api/v1/ops/event-flow',
    {
      schema: {
        'x-access': operator,
        summary: 'Whether events flow: the heartbeat round trip and the outbox lag',
        response: { 200: eventFlowView, ...problems },
      },
    },
    async () => ({ ...(await deps.eventFlow()), thresholdMs: deps.eventFlowThresholdMs }),
  );

  app.get(
    '/api/v1/ops/consumer-groups',
    {
      schema: {
        'x-access': operator,
        summary: "Every consumer group's lag per topic and partition",
        response: { 200: consumerGroupsView, ...problems },
      },
    },
    async () => {
      const sample = await deps.sample();
      const groups = sample.consumerGroups.map((group) => ({
        ...group,
        partitions: group.partitions.map((p) => ({
          topic: p.topic,
          partition: p.partition,
          committed: p.committed === null ? null : String(p.committed),
          end: String(p.end),
          lag: String(p.lag),
        })),
      }));
      return { sampledAt: sample.at.toISOString(), groups };
    },
  );
}
