import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaBrowser } from '../src/clients/kafka-browser.ts';
import { issuer } from './harness.ts';
import { kafkaBed } from './kafka-bed.ts';

// The message browser's records through the HTTP API, on the test stack's Kafka: the expression
// filter (and its 400 naming the position), e-mail addresses masked unless one record is revealed
// (audited), one record's raw bytes (audited), saved filters, and a scan cancelled in mid-read.

type Shown = { offset: string; json?: { n: number; email: string }; key: string | null };
const numbers = (body: { records: Shown[] }) => body.records.map((r) => r.json?.n);

describe('the message browser', () => {
  it('filters with an expression on the server, and names where a bad one goes wrong', async (t) => {
    const { app, topic, headers } = await kafkaBed(t, 'ops_console_expr');
    const url = (expr: string) =>
      `/api/v1/ops/kafka/topics/${topic}/messages?seek=oldest&limit=50&expr=${encodeURIComponent(expr)}`;
    const found = await app.inject({ url: url('value.n > 12 and not value.type == "Heartbeat"'), headers });
    assert.equal(found.statusCode, 200, found.body);
    assert.deepEqual(numbers(found.json()), [13, 14, 16, 17, 18, 19]);
    const byHeader = await app.inject({ url: url('headers.source == "early" and partition == 1'), headers });
    assert.deepEqual(numbers(byHeader.json()), [1, 3, 5, 7, 9]);

    const bad = await app.inject({ url: url('value.n >'), headers });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.headers['content-type'] ?? '', /problem\+json/);
    const problem = bad.json();
    assert.equal(problem.errors[0].field, 'expr');
    assert.match(problem.errors[0].message, /at position 9/);
  });

  it('masks e-mail addresses unless one record is revealed, and audits the reveal and a raw download', async (t) => {
    const { app, topic, headers, subject, db } = await kafkaBed(t, 'ops_console_mask');
    const page = await app.inject({
      url: `/api/v1/ops/kafka/topics/${topic}/messages?seek=oldest&limit=3`,
      headers,
    });
    assert.deepEqual(
      page.json().records.map((r: Shown) => r.json?.email),
      ['a•••@example.com', 'a•••@example.com', 'a•••@example.com'],
    );
    const one = `/api/v1/ops/kafka/topics/${topic}/records/1/2`;
    const masked = await app.inject({ url: one, headers });
    assert.deepEqual([masked.json().json.n, masked.json().json.email], [5, 'a•••@example.com']);
    const revealed = await app.inject({ url: `${one}?reveal=true`, headers });
    assert.equal(revealed.json().json.email, 'ann.5@example.com');
    const raw = await app.inject({ url: `${one}/raw?part=value`, headers });
    assert.equal(raw.statusCode, 200);
    assert.match(raw.headers['content-disposition'] ?? '', /attachment; filename=".*-1-2\.value\.bin"/);
    assert.equal(JSON.parse(raw.rawPayload.toString('utf8')).email, 'ann.5@example.com');
    const key = await app.inject({ url: `${one}/raw?part=key`, headers });
    assert.equal(key.rawPayload.toString('utf8'), 'key-5');
    const { rows } = await db.pool.query(
      `SELECT action, actor, target_type, target_id FROM audit_log WHERE target_type = 'kafka-record' ORDER BY id`,
    );
    const target = `${topic}/1/2`;
    assert.deepEqual(rows, [
      { action: 'kafka-record.reveal', actor: subject, target_type: 'kafka-record', target_id: target },
      { action: 'kafka-record.raw-value', actor: subject, target_type: 'kafka-record', target_id: target },
      { action: 'kafka-record.raw-key', actor: subject, target_type: 'kafka-record', target_id: target },
    ]);
    const missing = await app.inject({ url: `/api/v1/ops/kafka/topics/${topic}/records/1/999`, headers });
    assert.equal(missing.statusCode, 404);
  });

  it('keeps saved filters: the shared ones for everyone, one’s own for oneself', async (t) => {
    const { app, headers } = await kafkaBed(t, 'ops_console_filters', { records: 0 });
    const other = (await issuer.operator('ops-console-other')).headers;
    const list = async (as: typeof headers) =>
      (await app.inject({ url: '/api/v1/ops/kafka/filters', headers: as })).json().filters as {
        id: string;
        name: string;
        shared: boolean;
        params: Record<string, string>;
      }[];
    const preset = (await list(headers)).find((f) => f.name === 'Hide heartbeats');
    assert.equal(preset?.shared, true);
    assert.match(preset?.params.expr ?? '', /Heartbeat/);

    const save = (body: Record<string, unknown>, as = headers) =>
      app.inject({ method: 'POST', url: '/api/v1/ops/kafka/filters', headers: as, payload: body });
    const mine = await save({ name: 'Late ones', params: { header: 'source=late', expr: 'value.n > 3' } });
    assert.equal(mine.statusCode, 200, mine.body);
    assert.deepEqual(
      (await list(headers)).map((f) => f.name),
      ['Hide heartbeats', 'Late ones'],
    );
    assert.deepEqual(
      (await list(other)).map((f) => f.name),
      ['Hide heartbeats'],
      'another operator sees only the shared ones',
    );
    const bad = await save({ name: 'Broken', params: { expr: 'value.n >> 3' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].field, 'params.expr');
    const unknown = await save({ name: 'Odd', params: { cursor: '0:1' } });
    assert.equal(unknown.statusCode, 400, 'a cursor is a position, not a filter');
    const taken = await save({ name: 'Hide heartbeats', shared: true, params: {} });
    assert.equal(taken.statusCode, 409, 'a shared preset of someone else’s is not overwritten');

    const gone = await app.inject({
      method: 'DELETE',
      url: `/api/v1/ops/kafka/filters/${mine.json().id}`,
      headers: other,
    });
    assert.equal(gone.statusCode, 404, 'not deleted by another operator');
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/v1/ops/kafka/filters/${mine.json().id}`,
      headers,
    });
    assert.equal(deleted.statusCode, 200);
  });

  it('runs one scan per operator, and stops reading when it is cancelled', async (t) => {
    let fetches = 0;
    let hold: (() => void) | null = null;
    const held = new Promise<void>((resolve) => {
      hold = resolve;
    });
    const wrap = (kafka: KafkaBrowser): KafkaBrowser => ({
      ...kafka,
      fetch: async (...args) => {
        fetches++;
        if (fetches === 1) await held; // the first fetch of the scan waits until the test lets it go
        return kafka.fetch(...args);
      },
    });
    const { app, topic, headers } = await kafkaBed(t, 'ops_console_scan', { wrap });
    const url = `/api/v1/ops/kafka/topics/${topic}/messages?seek=oldest&expr=${encodeURIComponent('value.n == 999')}`;
    const first = app.inject({ url, headers });
    while (fetches === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await app.inject({ url, headers });
    assert.equal(second.statusCode, 429, 'a second scan of the same operator waits its turn');
    const cancel = await app.inject({ method: 'DELETE', url: '/api/v1/ops/kafka/scans/mine', headers });
    assert.deepEqual(cancel.json(), { cancelled: true });
    (hold as unknown as () => void)();
    const cancelled = await first;
    assert.equal(cancelled.statusCode, 409);
    assert.match(cancelled.json().detail, /cancelled/);
    assert.equal(fetches, 1, 'no fetch after the cancel');
    const again = await app.inject({ url, headers });
    assert.equal(again.statusCode, 200, 'the next scan runs');
    assert.equal(again.json().scan.scanned, 20);
  });
});
