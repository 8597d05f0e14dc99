import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { isQuietQuery } from '../src/telemetry/quiet-queries.ts';

const span = (scope: string, ms: number, code = SpanStatusCode.UNSET) => ({
  instrumentationScope: { name: scope },
  status: { code },
  duration: [Math.floor(ms / 1000), (ms % 1000) * 1e6] as [number, number],
});
const pg = '@opentelemetry/instrumentation-pg';

describe('quiet SQL spans', () => {
  it('drops a statement that went well under the threshold', () => {
    assert.equal(isQuietQuery(span(pg, 1.5), 5), true);
  });

  it('keeps a slow statement, a failed one, every statement at 0, and every span that is not SQL', () => {
    assert.equal(isQuietQuery(span(pg, 5), 5), false);
    assert.equal(isQuietQuery(span(pg, 1200), 5), false);
    assert.equal(isQuietQuery(span(pg, 1, SpanStatusCode.ERROR), 5), false);
    assert.equal(isQuietQuery(span(pg, 1), 0), false);
    assert.equal(isQuietQuery(span('microshop-kit', 1), 5), false);
    assert.equal(isQuietQuery(span('@opentelemetry/instrumentation-http', 1), 5), false);
  });
});
