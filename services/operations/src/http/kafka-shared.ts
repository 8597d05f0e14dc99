import { AppError, validationFailed } from '@microshop/platform';
import { z } from 'zod';
import type { KafkaBrowser } from '../clients/kafka-browser.ts';
import { type Expression, ExpressionError, parseExpression } from '../domain/expression-parse.ts';
import { problems } from './operator-route.ts';

// What the console's Kafka routes share: their answer (described in the service's README; fields
// pass through as built), a topic that must exist, and a filter expression or a 400 naming where it
// went wrong.

export const answer = { 200: z.looseObject({}), ...problems };

export const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/);

export async function existing(kafka: KafkaBrowser, topic: string) {
  try {
    return await kafka.describe(topic);
  } catch {
    throw new AppError('NOT_FOUND', `topic ${topic} not found`);
  }
}

/** The parsed expression; a syntax error is a 400 naming `field` and the position. */
export function expressionIn(text: string, field: string): Expression {
  try {
    return parseExpression(text);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    throw validationFailed([{ field, rule: 'syntax', message: error.message }], `${field}: ${error.message}`);
  }
}
