import type { Logger, Pool } from '@microshop/platform';
import type { ConnectClient } from '../clients/connect.ts';
import type { EventFlow } from '../domain/event-flow.ts';
import { actOnConnector, connectorActions } from '../handlers/connector-actions.ts';
import { secondsSince } from '../handlers/topic-summaries.ts';
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
import { actorOf, operatorRoute, problems } from './operator-route.ts';
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
  registerConnectors(app, deps);
  registerFigures(app, deps);
}

function registerConnectors(app: OpsApp, deps: CdcDeps): void {
  const all = { response: { 200: connectorsView, ...problems } };
  app.get(
    '/api/v1/ops/connectors',
    operatorRoute('Kafka Connect connectors and their tasks', all),
    async () => ({
      connectors: await deps.connect.list(),
    }),
  );
  const one = { params: connectorParams, response: { 200: connectorView, ...problems } };
  app.get('/api/v1/ops/connectors/:name', operatorRoute('One connector and its tasks', one), (request) =>
    deps.connect.status(request.params.name),
  );
  for (const action of connectorActions) {
    const acting = {
      params: connectorParams,
      body: connectorActionBody,
      response: { 200: connectorActionView, ...problems },
    };
    app.post(
      `/api/v1/ops/connectors/:name/${action}`,
      operatorRoute(`${action} a connector (audited)`, acting),
      (request) => {
        const { onlyFailed, reason } = request.body;
        return actOnConnector(
          deps,
          { connector: request.params.name, action, onlyFailed, reason },
          actorOf(request),
        );
      },
    );
  }
}

function registerFigures(app: OpsApp, deps: CdcDeps): void {
  const slots = { response: { 200: slotsView, ...problems } };
  app.get(
    '/api/v1/ops/replication-slots',
    operatorRoute('Logical replication slots and their lag', slots),
    async () => ({
      slots: await replicationSlots(deps.pool),
    }),
  );
  const flow = { response: { 200: eventFlowView, ...problems } };
  app.get(
    '/api/v1/ops/event-flow',
    operatorRoute('Whether events flow: the heartbeat round trip and the outbox lag', flow),
    async () => ({
      ...(await deps.eventFlow()),
      thresholdMs: deps.eventFlowThresholdMs,
    }),
  );
  const groups = { response: { 200: consumerGroupsView, ...problems } };
  app.get(
    '/api/v1/ops/consumer-groups',
    operatorRoute("Every consumer group's lag per topic and partition", groups),
    async () => {
      const sample = await deps.sample();
      const now = new Date();
      return {
        sampledAt: sample.at.toISOString(),
        groups: sample.consumerGroups.map((group) => groupView(group, now)),
      };
    },
  );
}

/** Lag in offsets and in seconds (the age of the oldest unconsumed record, as of now). */
function groupView(group: Sample['consumerGroups'][number], now: Date) {
  const partitions = group.partitions.map((p) => ({
    topic: p.topic,
    partition: p.partition,
    committed: p.committed === null ? null : String(p.committed),
    end: String(p.end),
    lag: String(p.lag),
    oldestUnconsumedAt: p.oldestUnconsumedAt?.toISOString() ?? null,
    lagSeconds: secondsSince(p.oldestUnconsumedAt, now),
  }));
  const seconds = partitions.flatMap((p) => (p.lagSeconds === null ? [] : [p.lagSeconds]));
  return {
    group: group.group,
    state: group.state,
    totalLag: group.totalLag,
    lagSeconds: seconds.length === 0 ? null : Math.max(...seconds),
    lastCommitAt: group.lastCommitAt?.toISOString() ?? null,
    lastCommitAgeSeconds: secondsSince(group.lastCommitAt, now),
    partitions,
  };
}
