import { z } from 'zod';
import { maxExpressionLength } from '../domain/expression-parse.ts';
import type { ResetTarget } from '../domain/offset-reset.ts';

// What the console's Kafka tools accept: an offset reset, a saved filter, one record's coordinates.

const reason = z.string().trim().min(3, 'say why, in a few words').max(1000);
const offset = z
  .union([z.string().regex(/^\d{1,19}$/, 'a whole number'), z.number().int().nonnegative()])
  .transform((value) => BigInt(value));

export const groupParams = z.object({ group: z.string().min(1).max(249) });

export const resetBody = z
  .object({
    topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/),
    to: z.enum(['earliest', 'latest', 'timestamp', 'offsets']),
    /** With to=timestamp: the first record at or after it. */
    timestamp: z.iso.datetime({ offset: true }).optional(),
    /** With to=offsets: the new offset of each partition named (the others keep theirs). */
    offsets: z
      .array(z.object({ partition: z.number().int().min(0).max(100_000), offset }))
      .min(1)
      .max(10_000)
      .optional(),
    /** Answer the new offsets and what is replayed or skipped, and change nothing. */
    dryRun: z.boolean().default(false),
    reason: reason.optional(),
  })
  .superRefine((body, context) => {
    if (body.to === 'timestamp' && body.timestamp === undefined)
      context.addIssue({
        code: 'custom',
        path: ['timestamp'],
        message: 'a time is required to reset to a time',
      });
    if (body.to === 'offsets' && body.offsets === undefined)
      context.addIssue({
        code: 'custom',
        path: ['offsets'],
        message: 'name the partitions and their offsets',
      });
    if (!body.dryRun && body.reason === undefined)
      context.addIssue({
        code: 'custom',
        path: ['reason'],
        message: 'say why you reset (or ask with dryRun)',
      });
  })
  .meta({ id: 'OffsetResetRequest' });

export function targetOf(body: z.infer<typeof resetBody>): ResetTarget {
  switch (body.to) {
    case 'timestamp':
      return { kind: 'timestamp', timestamp: body.timestamp ?? '' };
    case 'offsets':
      return { kind: 'offsets', offsets: body.offsets ?? [] };
    default:
      return { kind: body.to };
  }
}

/** The message browser's filter parameters, as its URL carries them; nothing else. */
export const filterParams = z
  .strictObject({
    key: z.string().max(500).optional(),
    header: z.string().max(500).optional(),
    field: z.string().max(500).optional(),
    type: z.string().max(200).optional(),
    expr: z.string().max(maxExpressionLength).optional(),
    partition: z
      .string()
      .regex(/^\d{1,6}$/)
      .optional(),
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .meta({ id: 'FilterParams' });

export const filterBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** Shared with every operator, or the caller's own. */
    shared: z.boolean().default(false),
    params: filterParams,
  })
  .meta({ id: 'SavedFilterRequest' });

export const filterIdParams = z.object({ filterId: z.guid() });

export const recordParams = z.object({
  topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/),
  partition: z.coerce.number().int().min(0).max(100_000),
  offset: z.coerce.bigint().nonnegative(),
});

export const recordQuery = z.object({
  /** Show the e-mail addresses in it (audited). */
  reveal: z.enum(['true', 'false']).default('false'),
});

export const rawQuery = z.object({ part: z.enum(['key', 'value']) });
