import { timestampSchema } from '@microshop/contracts';
import { z } from 'zod';

// What the CDC and consumer-group routes answer.

const unitSchema = z.object({
  state: z.string(),
  workerId: z.string().nullable(),
  trace: z.string().nullable(),
});

export const connectorView = z
  .object({
    name: z.string(),
    type: z.string().nullable(),
    connector: unitSchema,
    tasks: z.array(unitSchema.extend({ id: z.number().int() })),
  })
  .meta({ id: 'Connector' });

export const connectorsView = z.object({ connectors: z.array(connectorView) }).meta({ id: 'Connectors' });

export const connectorActionView = z
  .object({
    connector: z.string(),
    action: z.enum(['restart', 'pause', 'resume']),
    before: connectorView,
    after: connectorView,
    changed: z.boolean(),
  })
  .meta({ id: 'ConnectorActionResult' });

export const slotsView = z
  .object({
    slots: z.array(
      z.object({
        slot: z.string(),
        plugin: z.string().nullable(),
        active: z.boolean(),
        walStatus: z.string().nullable(),
        lagBytes: z.number().nullable(),
        retainedBytes: z.number().nullable(),
        safeWalSizeBytes: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'ReplicationSlots' });

export const eventFlowView = z
  .object({
    ok: z.boolean(),
    problem: z.string().nullable(),
    lastRoundTripMs: z.number().nullable(),
    lastReturnedAgeMs: z.number().nullable(),
    outboxLagMs: z.number(),
    thresholdMs: z.number(),
  })
  .meta({ id: 'EventFlow' });

export const consumerGroupsView = z
  .object({
    sampledAt: timestampSchema,
    groups: z.array(
      z.object({
        group: z.string(),
        state: z.string(),
        totalLag: z.number(),
        /** The age of its oldest unconsumed record, the largest of its partitions'. */
        lagSeconds: z.number().nullable(),
        /** When its committed offsets were last seen to move; null: not since the service started. */
        lastCommitAt: timestampSchema.nullable(),
        lastCommitAgeSeconds: z.number().nullable(),
        partitions: z.array(
          z.object({
            topic: z.string(),
            partition: z.number().int(),
            committed: z.string().nullable(),
            end: z.string(),
            lag: z.string(),
            /** The time of the oldest record the group has not consumed; null when nothing lags. */
            oldestUnconsumedAt: timestampSchema.nullable(),
            lagSeconds: z.number().nullable(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'ConsumerGroups' });
