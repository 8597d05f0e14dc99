import { idSchema, timestampSchema } from '@microshop/contracts';
import { z } from 'zod';
import { deadLetterStatuses } from '../domain/dead-letter.ts';

// What the operations routes accept and answer; the OpenAPI document (/openapi.json) is made from these.

const statusSchema = z.enum(deadLetterStatuses);

/** `open,redriving` → ['open', 'redriving']. */
const statusList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  )
  .pipe(z.array(statusSchema).min(1));

/** A time range on the last failure: from (inclusive) to (exclusive). */
const failedRange = {
  failedFrom: timestampSchema.optional().describe('Last failed at or after this time'),
  failedTo: timestampSchema.optional().describe('Last failed before this time'),
};

export const deadLetterFilterSchema = z
  .object({
    group: z.string().min(1).optional(),
    service: z.string().min(1).optional(),
    topic: z.string().min(1).optional(),
    code: z.string().min(1).optional(),
    status: z.array(statusSchema).min(1).optional(),
    ...failedRange,
  })
  .meta({ id: 'DeadLetterFilter' });

export const listQuery = z.object({
  group: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  topic: z.string().min(1).optional(),
  code: z.string().min(1).optional(),
  /** Comma-separated statuses. */
  status: statusList.optional(),
  ...failedRange,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The `next` cursor of a page: the page after it (older failures). */
  after: z.string().min(1).optional(),
  /** The `prev` cursor of a page: the page before it (newer failures). */
  before: z.string().min(1).optional(),
});

export const idParams = z.object({ id: idSchema });
export const batchParams = z.object({ batchId: idSchema });
export const connectorParams = z.object({ name: z.string().min(1).max(200) });

const reason = z.string().trim().min(3, 'say why, in a few words').max(1000);

/** Dead letters named by id, or every one matching a filter (default status: open). */
const selectionFields = {
  ids: z.array(idSchema).min(1).max(10_000).optional(),
  filter: deadLetterFilterSchema.optional(),
  /** How many the operator confirmed; required unless dryRun. */
  expectedCount: z.number().int().min(0).optional(),
  dryRun: z.boolean().default(false),
};

function selectionRules<
  T extends { ids?: unknown; filter?: unknown; expectedCount?: unknown; dryRun: boolean },
>(body: T, context: z.core.$RefinementCtx): void {
  if ((body.ids === undefined) === (body.filter === undefined)) {
    context.addIssue({ code: 'custom', path: ['ids'], message: 'give either ids or filter' });
  }
  if (!body.dryRun && body.expectedCount === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['expectedCount'],
      message: 'confirm how many (or ask with dryRun)',
    });
  }
}

export const redriveBody = z
  .object({
    ...selectionFields,
    reason: reason.optional(),
    /** This task's velocity limit; the service's REDRIVE_RATE_PER_SECOND caps it. */
    ratePerSecond: z.number().int().min(1).max(10_000).optional(),
  })
  .superRefine(selectionRules)
  .meta({ id: 'RedriveRequest' });

export const discardBody = z
  .object({ ...selectionFields, reason })
  .superRefine(selectionRules)
  .meta({ id: 'DiscardRequest' });

export const cancelBody = z.object({ reason: reason.optional() }).default({});

export const connectorActionBody = z
  .object({
    reason: reason.optional(),
    /** Restart only the failed units (default) or the connector and every task. */
    onlyFailed: z.boolean().default(true),
  })
  .default({ onlyFailed: true });

const bytesView = z
  .object({
    size: z.number().int(),
    base64: z.string(),
    /** The bytes as UTF-8 text; null when they are not valid UTF-8. */
    text: z.string().nullable(),
    /** Parsed, when the text is JSON. */
    json: z.unknown().optional(),
    /** Why it is shown as base64 only, or as text but not JSON. */
    note: z.string().nullable(),
  })
  .meta({ id: 'RecordBytes' });

export const deadLetterSummary = z
  .object({
    id: idSchema,
    status: statusSchema,
    service: z.string(),
    group: z.string(),
    origin: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() }),
    eventId: z.string().nullable(),
    eventType: z.string().nullable(),
    error: z.string(),
    code: z.string(),
    attempts: z.number().int(),
    failures: z.number().int(),
    firstFailedAt: timestampSchema,
    lastFailedAt: timestampSchema,
    redriveCount: z.number().int(),
    lastRedrivenAt: timestampSchema.nullable(),
    discardReason: z.string().nullable(),
    deadLetterRecord: z.object({ partition: z.number().int(), offset: z.string() }),
  })
  .meta({ id: 'DeadLetterSummary' });

export const redriveView = z
  .object({
    batchId: idSchema,
    deadLetterId: idSchema,
    count: z.number().int(),
    state: z.enum(['pending', 'produced', 'resolved', 'cancelled']),
    requestedBy: z.string(),
    requestedAt: timestampSchema,
    producedAt: timestampSchema.nullable(),
    produced: z.object({ partition: z.number().int(), offset: z.string() }).nullable(),
    resolvedAt: timestampSchema.nullable(),
  })
  .meta({ id: 'Redrive' });

export const auditView = z
  .object({
    id: z.string(),
    at: timestampSchema,
    actor: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    result: z.string(),
    reason: z.string().nullable(),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const deadLetterDetail = deadLetterSummary
  .extend({
    key: bytesView.nullable(),
    value: bytesView.nullable(),
    headers: z.array(z.object({ name: z.string(), value: bytesView })),
    redrives: z.array(redriveView),
    audit: z.array(auditView),
  })
  .meta({ id: 'DeadLetter' });

export const deadLetterPage = z
  .object({
    items: z.array(deadLetterSummary),
    total: z.number().int(),
    next: z.string().nullable(),
    prev: z.string().nullable(),
  })
  .meta({ id: 'DeadLetterPage' });

export const deadLetterCounts = z
  .object({
    groups: z.array(
      z.object({
        group: z.string(),
        service: z.string(),
        topic: z.string(),
        code: z.string(),
        status: statusSchema,
        count: z.number().int(),
        lastFailedAt: timestampSchema,
      }),
    ),
  })
  .meta({ id: 'DeadLetterCounts' });

export const actionAnswer = z
  .object({
    batchId: idSchema.nullable(),
    count: z.number().int(),
    deadLetters: z.array(idSchema),
    warnings: z.array(z.object({ deadLetterId: idSchema, message: z.string() })),
    dryRun: z.boolean(),
  })
  .meta({ id: 'DeadLetterActionResult' });

const stateCounts = z.object({
  pending: z.number().int(),
  produced: z.number().int(),
  resolved: z.number().int(),
  cancelled: z.number().int(),
});

/** A redrive request as a task: who asked what, how many, how fast, and how far it got. */
export const redriveTask = z
  .object({
    batchId: idSchema,
    requestedBy: z.string(),
    requestedAt: timestampSchema,
    reason: z.string().nullable(),
    selection: z.unknown().describe('The filter confirmed, or {idCount} for dead letters named by id'),
    total: z.number().int(),
    ratePerSecond: z.number().int().nullable().describe("Null: the service's REDRIVE_RATE_PER_SECOND"),
    counts: stateCounts,
    done: z.boolean(),
  })
  .meta({ id: 'RedriveTask' });

export const batchView = z
  .object({
    batchId: idSchema,
    counts: stateCounts,
    done: z.boolean(),
    redrives: z.array(redriveView),
    task: redriveTask.nullable().describe('Null for a request made before tasks were recorded'),
  })
  .meta({ id: 'RedriveBatch' });

export const batchesQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
export const batchList = z.object({ items: z.array(redriveTask) }).meta({ id: 'RedriveTasks' });

export const auditQuery = z.object({
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  targetType: z.string().min(1).optional(),
  targetId: z.string().min(1).optional(),
  requestId: z.string().min(1).optional(),
  from: timestampSchema.optional(),
  to: timestampSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Entries older than this id (the last id of the previous page). */
  before: z.string().regex(/^\d+$/).optional(),
});

export const auditPage = z.object({ items: z.array(auditView) }).meta({ id: 'AuditPage' });
