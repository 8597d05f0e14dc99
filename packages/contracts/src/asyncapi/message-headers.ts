import { z } from 'zod';
import { deadLetterHeaderNames as dlq, eventHeaders, redriveHeaders } from '../headers.ts';

// The Kafka headers of each message, as zod schemas so they go through the same JSON Schema export as
// the payloads. Header values are strings; records may carry more headers than these (a trace context).

/** Present only on a record an operator redrove from the dead-letter topic, on any topic. */
const redriveShape = {
  [redriveHeaders.group]: z.string().optional().describe('The only consumer group that handles this record'),
  [redriveHeaders.id]: z.string().optional().describe("The redrive's id, derived from the dead letter"),
  [redriveHeaders.count]: z.string().optional().describe('How often this record has been redriven'),
  [redriveHeaders.by]: z.string().optional().describe('Who redrove it'),
};

/** The headers of an event written through an outbox: its id and type, as in the envelope. */
export function eventHeadersSchema(type: z.ZodType): z.ZodObject {
  return z.object({
    [eventHeaders.id]: z.uuid().describe("The event id, as the envelope's id: the consumers' inbox key"),
    [eventHeaders.type]: type.describe("The event type, as the envelope's type"),
    ...redriveShape,
  });
}

/** The original record's headers, kept, plus where it came from and why it failed. */
export const deadLetterHeadersSchema = z.object({
  [eventHeaders.id]: z.string().optional().describe("The original record's event id, if it had one"),
  [eventHeaders.type]: z.string().optional().describe("The original record's event type, if it had one"),
  [dlq.topic]: z.string().describe('The topic the record came from'),
  [dlq.partition]: z.string().describe('Its partition there'),
  [dlq.offset]: z.string().describe('Its offset there'),
  [dlq.group]: z.string().describe('The consumer group that could not handle it'),
  [dlq.error]: z.string().describe('What went wrong'),
  [dlq.errorCode]: z
    .string()
    .describe("The error's code (an error registry code, a decoder's, or a class name)"),
  [dlq.attempts]: z.string().describe('Handler attempts made; 0 when the record could not be decoded'),
  [dlq.failedAt]: z.iso.datetime({ offset: true }).describe('When it was parked'),
  ...redriveShape,
});
