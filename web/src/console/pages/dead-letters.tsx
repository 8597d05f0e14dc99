import { useState } from 'preact/hooks';
import { ApiError, get, post, query } from '../../common/api.ts';
import { navigate, useLocation } from '../../common/router.ts';
import { ErrorBox, Field, Loading, Table, time, useLoad } from '../../common/ui.tsx';
import { DeadLetterRecord, DeadLetterSummary } from './dead-letter-detail.tsx';
import { BulkRedrive } from './redrive-tasks.tsx';

// Dead letters by group, error and attempts; redrive one or many (back to the recorded origin topic,
// for the group that failed) or discard with a required reason. Every action states the count it
// expects, so a selection that changed underneath is refused, and lands in the audit log.

interface DeadLetter {
  id: string;
  status: string;
  service: string;
  group: string;
  origin: { topic: string; partition: number; offset: string };
  eventType: string | null;
  error: string;
  code: string;
  attempts: number;
  failures: number;
  firstFailedAt: string;
  lastFailedAt: string;
  redriveCount: number;
}

export function DeadLetters() {
  const { params } = useLocation();
  const status = params.get('status') ?? 'open';
  const group = params.get('group') ?? '';
  const list = useLoad(
    () =>
      get<{ items: DeadLetter[]; total: number }>(
        `/api/v1/ops/dead-letters${query({ status, group, limit: 100 })}`,
      ),
    [status, group],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  async function act(action: 'redrive' | 'discard'): Promise<void> {
    setError(null);
    setDone(null);
    const ids = [...selected];
    if (!window.confirm(`${action === 'redrive' ? 'Redrive' : 'Discard'} ${ids.length} dead letter(s)?`))
      return;
    try {
      const answer = await post<{ count: number; batchId?: string }>(`/api/v1/ops/dead-letters/${action}`, {
        ids,
        expectedCount: ids.length,
        ...(reason === '' ? {} : { reason }),
      });
      setDone(
        `${action === 'redrive' ? 'Redriven' : 'Discarded'}: ${answer.count}${answer.batchId ? ` (batch ${answer.batchId})` : ''}`,
      );
      setSelected(new Set());
      list.reload();
    } catch (caught) {
      if (caught instanceof ApiError) setError(caught);
    }
  }

  return (
    <>
      <h1>Dead letters</h1>
      <form class="row card" aria-label="Filter dead letters" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="dl-status">Status</label>
          <select
            id="dl-status"
            value={status}
            onChange={(event) =>
              navigate(
                `/console/dead-letters${query({ status: (event.target as HTMLSelectElement).value, group })}`,
              )
            }
          >
            {['open', 'redriving', 'redriven', 'discarded'].map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </div>
      </form>
      <DeadLetterSummary status={status} reload={list.value} />
      {group !== '' && (
        <p>
          Group {group} only · <a href={`/console/dead-letters?status=${status}`}>every group</a>
        </p>
      )}
      <Loading loaded={list}>
        {({ items, total }) => (
          <>
            <p>
              {total} {status}
            </p>
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th>
                      <span class="visually-hidden">Select</span>
                    </th>
                    <th>Group / service</th>
                    <th>Origin</th>
                    <th>Event</th>
                    <th>Error</th>
                    <th>Attempts</th>
                    <th>Failed</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((item) => (
                    <tr key={item.id} data-testid="dead-letter">
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Select dead letter ${item.id}`}
                          checked={selected.has(item.id)}
                          onChange={() => toggle(item.id)}
                        />
                      </td>
                      <td>
                        {item.group}
                        <div class="muted">{item.service}</div>
                      </td>
                      <td>
                        <a
                          href={`/console/topics/${encodeURIComponent(item.origin.topic)}?partition=${item.origin.partition}&seek=offset&offset=${item.origin.offset}`}
                        >
                          {item.origin.topic} {item.origin.partition}:{item.origin.offset}
                        </a>
                      </td>
                      <td>
                        <DeadLetterRecord id={item.id} label={item.eventType ?? 'record'} />
                      </td>
                      <td>
                        {item.code}
                        <div class="muted">{item.error}</div>
                      </td>
                      <td>
                        {item.attempts} ({item.failures}×
                        {item.redriveCount > 0 ? `, redriven ${item.redriveCount}×` : ''})
                      </td>
                      <td>
                        {time(item.firstFailedAt)}
                        <div class="muted">last {time(item.lastFailedAt)}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Loading>
      <section class="card" aria-labelledby="dl-actions">
        <h2 id="dl-actions">With the {selected.size} selected</h2>
        <Field
          label="Reason (required to discard)"
          name="reason"
          value={reason}
          onInput={setReason}
          error={error}
        />
        <div class="row">
          <button type="button" disabled={selected.size === 0} onClick={() => void act('redrive')}>
            Redrive
          </button>
          <button
            type="button"
            class="secondary"
            disabled={selected.size === 0}
            onClick={() => void act('discard')}
          >
            Discard
          </button>
        </div>
        {done && <p role="status">{done}</p>}
        {error?.problem.errors.every((e) => e.field !== 'reason') && <ErrorBox error={error} />}
      </section>
      <BulkRedrive />
    </>
  );
}

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  result: string;
  reason: string | null;
  requestId: string | null;
}

export function Audit() {
  const { params } = useLocation();
  const action = params.get('action') ?? '';
  const targetId = params.get('targetId') ?? '';
  const entries = useLoad(
    () => get<{ items: AuditEntry[] }>(`/api/v1/ops/audit${query({ action, targetId, limit: 100 })}`),
    [action, targetId],
  );
  const [form, setForm] = useState({ action, targetId });
  return (
    <>
      <h1>Audit log</h1>
      <form
        class="row card"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(`/console/audit${query(form)}`);
        }}
      >
        <Field
          label="Action"
          name="action"
          value={form.action}
          onInput={(value) => setForm({ ...form, action: value })}
        />
        <Field
          label="Target id"
          name="targetId"
          value={form.targetId}
          onInput={(value) => setForm({ ...form, targetId: value })}
        />
        <button type="submit">Filter</button>
      </form>
      <Loading loaded={entries}>
        {({ items }) => (
          <Table
            head={['When', 'Who', 'What', 'Target', 'Result', 'Reason']}
            rows={items}
            rowKey={(entry) => entry.id}
            rowTestId="audit-entry"
            cells={(entry) => [
              time(entry.at),
              entry.actor,
              entry.action,
              <>
                {entry.targetType} <code>{entry.targetId}</code>
              </>,
              entry.result,
              entry.reason ?? '—',
            ]}
          />
        )}
      </Loading>
    </>
  );
}
