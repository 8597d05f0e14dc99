import { useState } from 'preact/hooks';
import { get } from '../../common/api.ts';
import { Loading, Table, time, useLoad } from '../../common/ui.tsx';

// One dead letter opened in place: its record (value decoded, original headers) and every redrive of
// it, read when the operator opens it, not before.

interface Bytes {
  size: number;
  text: string | null;
  json?: unknown;
  note: string | null;
}

interface Detail {
  key: Bytes | null;
  value: Bytes | null;
  headers: { name: string; value: Bytes }[];
  redrives: {
    batchId: string;
    state: string;
    requestedBy: string;
    requestedAt: string;
    produced: { partition: number; offset: string } | null;
  }[];
}

function shown(bytes: Bytes | null): string {
  if (bytes === null) return '∅';
  if (bytes.json !== undefined) return JSON.stringify(bytes.json, null, 2);
  return bytes.text ?? `(${bytes.size} bytes, not text${bytes.note ? `: ${bytes.note}` : ''})`;
}

export function DeadLetterRecord({ id, label }: { id: string; label: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
      <summary>{label}</summary>
      {open && <Loaded id={id} />}
    </details>
  );
}

function Loaded({ id }: { id: string }) {
  const detail = useLoad(() => get<Detail>(`/api/v1/ops/dead-letters/${id}`), [id]);
  return (
    <Loading loaded={detail}>
      {(value) => (
        <>
          <p class="muted">Key</p>
          <pre>{shown(value.key)}</pre>
          <p class="muted">Value</p>
          <pre>{shown(value.value)}</pre>
          <p class="muted">Original headers</p>
          <pre>
            {value.headers.map((header) => `${header.name}: ${shown(header.value)}`).join('\n') || '—'}
          </pre>
          {value.redrives.length > 0 && (
            <Table
              caption="Redrives"
              head={['Asked', 'By', 'State', 'Produced at']}
              rows={value.redrives}
              rowKey={(r) => `${r.batchId}-${r.requestedAt}`}
              cells={(r) => [
                time(r.requestedAt),
                r.requestedBy,
                r.state,
                r.produced ? `${r.produced.partition}:${r.produced.offset}` : '—',
              ]}
            />
          )}
        </>
      )}
    </Loading>
  );
}

interface SummaryRow {
  group: string;
  service: string;
  topic: string;
  code: string;
  status: string;
  count: number;
  lastFailedAt: string;
}

/** Dead letters counted by group, origin topic and error, each a link to that group's list. */
export function DeadLetterSummary({ status, reload }: { status: string; reload: unknown }) {
  const summary = useLoad(
    () => get<{ groups: SummaryRow[] }>(`/api/v1/ops/dead-letters/summary?status=${status}`),
    [status, reload],
  );
  return (
    <Loading loaded={summary}>
      {({ groups }) => (
        <Table
          caption={`By group and error (${status})`}
          head={['Group', 'Service', 'Topic', 'Error', 'Count', 'Last failure']}
          rows={groups}
          rowKey={(g) => `${g.group}|${g.topic}|${g.code}|${g.status}`}
          cells={(g) => [
            <a href={`/console/dead-letters?status=${status}&group=${encodeURIComponent(g.group)}`}>
              {g.group}
            </a>,
            g.service,
            g.topic,
            g.code,
            g.count,
            time(g.lastFailedAt),
          ]}
        />
      )}
    </Loading>
  );
}
