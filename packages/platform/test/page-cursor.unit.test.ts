import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePageCursor, encodePageCursor, pageCursorParam } from '../src/http/page-cursor.ts';

describe('keyset page cursors', () => {
  test('a cursor goes out as opaque URL-safe text and comes back as it was', () => {
    const cursor = { at: new Date('2025-05-01T10:00:00.123Z'), id: 'a-b/c+d' };
    const text = encodePageCursor(cursor);
    assert.match(text ?? '', /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodePageCursor(text ?? undefined), cursor);
    assert.equal(encodePageCursor(null), null);
    assert.equal(decodePageCursor(undefined), undefined);
  });

  test('text the API did not hand out is invalid, and a query parameter says so', () => {
    for (const text of ['not-a-cursor', Buffer.from('[1,2]').toString('base64url'), '']) {
      assert.equal(decodePageCursor(text), 'invalid', text);
      assert.equal(pageCursorParam.safeParse(text).success, false, text);
    }
    const good = encodePageCursor({ at: new Date(0), id: 'x' }) ?? '';
    assert.deepEqual(pageCursorParam.parse(good), { at: new Date(0), id: 'x' });
  });
});
