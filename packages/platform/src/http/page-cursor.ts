import { z } from 'zod';

/**
 * A keyset page cursor: the sort time and id of the row a page ended (or began) at, handed to the
 * caller as an opaque URL-safe string. A list keyed on (time, id) answers the same page on every
 * repeat, whatever was added meanwhile; an offset would shift.
 */
export interface PageCursor {
  at: Date;
  id: string;
}

export function encodePageCursor(cursor: PageCursor | null): string | null {
  if (cursor === null) return null;
  return Buffer.from(JSON.stringify([cursor.at.toISOString(), cursor.id])).toString('base64url');
}

export function decodePageCursor(text: string | undefined): PageCursor | undefined | 'invalid' {
  if (text === undefined) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) return 'invalid';
    return { at: date, id };
  } catch {
    return 'invalid';
  }
}

/** A query parameter holding a cursor: a malformed one is a validation error naming the parameter. */
export const pageCursorParam = z.string().transform((text, context): PageCursor => {
  const cursor = decodePageCursor(text);
  if (cursor === undefined || cursor === 'invalid') {
    context.addIssue({ code: 'custom', message: 'a cursor this API returned' });
    return z.NEVER;
  }
  return cursor;
});
