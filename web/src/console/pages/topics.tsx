import { useState } from 'preact/hooks';
import { get } from '../../common/api.ts';
import { navigate, useLocation } from '../../common/router.ts';
import { ago, ErrorBox, Loading, Table, time, useLoad } from '../../common/ui.tsx';
import { type Page, RecordValue } from './record-view.tsx';
import { LiveTail, TopicDetail } from './topic-extras.tsx';

// Topics and the message browser. The browser reads nothing until a place to start is chosen; each
// page's position is the cursor in the URL (per-partition offsets), so Previous/Next, a reload and a
// shared link all show the same records. Filters run on the server within a budget it reports.

interface TopicSummary {
  name: string;
  partitions: number;
  replicas: number;
  records: string;
  retentionMs: string | null;
  cleanupPolicy: string | null;
}

export function Topics() {
  const topics = useLoad(() => get<{ topics: TopicSummary[] }>('/api/v1/ops/kafka/topics'), []);
  return (
    <>
      <h1>Topics</h1>
      <Loading loaded={topics}>
        {({ topics: list }) => (
          <Table
            head={['Topic', 'Partitions', 'Replicas', 'Records', 'Retention', 'Cleanup']}
            rows={list}
            rowKey={(topic) => topic.name}
            cells={(topic) => [
              <a href={`/console/topics/${encodeURIComponent(topic.name)}`}>{topic.name}</a>,
              topic.partitions,
              topic.replicas,
              topic.records,
              retention(topic.retentionMs),
              topic.cleanupPolicy ?? '—',
            ]}
          />
        )}
      </Loading>
    </>
  );
}

function retention(ms: string | null): string {
  if (ms === null) return '—';
  if (ms === '-1') return 'for ever';
  const hours = Number(ms) / 3_600_000;
  return hours >= 24 ? `${(hours / 24).toFixed(0)} days` : `${hours.toFixed(1)} h`;
}

const filterNames = ['key', 'header', 'field', 'type', 'partition', 'until'] as const;
const seekNames = ['cursor', 'seek', 'offset', 'time'] as const;

export function Messages({ topic }: { topic: string }) {
  const { params } = useLocation();
  const asked = seekNames.some((name) => params.has(name));
  const search = params.toString();
  const page = useLoad(
    () =>
      asked
        ? get<Page>(`/api/v1/ops/kafka/topics/${encodeURIComponent(topic)}/messages?${search}`)
        : Promise.resolve(null),
    [topic, search],
  );
  const go = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const name of seekNames) next.delete(name);
    for (const [name, value] of Object.entries(changes))
      if (value !== undefined && value !== '') next.set(name, value);
    navigate(`/console/topics/${encodeURIComponent(topic)}?${next.toString()}`);
  };
  return (
    <>
      <h1>{topic}</h1>
      <TopicDetail topic={topic} />
      <SeekForm params={params} onSeek={go} />
      <ErrorBox error={page.error} />
      {!asked && <p class="muted">Choose where to start reading: nothing is read before.</p>}
      {page.value && <PageView page={page.value} onGo={(cursor) => go({ cursor })} onRefresh={page.reload} />}
      <LiveTail
        topic={topic}
        filters={Object.fromEntries(filterNames.map((name) => [name, params.get(name) ?? undefined]))}
      />
    </>
  );
}

function SeekForm({
  params,
  onSeek,
}: {
  params: URLSearchParams;
  onSeek: (changes: Record<string, string | undefined>) => void;
}) {
  const [form, setForm] = useState<Record<string, string>>(() =>
    Object.fromEntries([...filterNames, 'offset', 'time'].map((name) => [name, params.get(name) ?? ''])),
  );
  const bind = (name: string) => ({
    id: `seek-${name}`,
    value: form[name] ?? '',
    onInput: (event: Event) => setForm({ ...form, [name]: (event.target as HTMLInputElement).value }),
  });
  const filters = () => Object.fromEntries(filterNames.map((name) => [name, form[name]]));
  const submit =
    (seek: string, extra: Record<string, string | undefined> = {}) =>
    (event: Event) => {
      event.preventDefault();
      onSeek({ ...filters(), seek, ...extra });
    };
  return (
    <form class="card" aria-label="Where to read" onSubmit={submit('oldest')}>
      <div class="row">
        <div class="field">
          <label for="seek-partition">Partition (blank: all, merged by time)</label>
          <input {...bind('partition')} inputMode="numeric" />
        </div>
        <div class="field">
          <label for="seek-key">Key contains</label>
          <input {...bind('key')} />
        </div>
        <div class="field">
          <label for="seek-header">Header (name or name=value)</label>
          <input {...bind('header')} />
        </div>
        <div class="field">
          <label for="seek-field">JSON field (path=value)</label>
          <input {...bind('field')} />
        </div>
        <div class="field">
          <label for="seek-type">Event type</label>
          <input {...bind('type')} />
        </div>
      </div>
      <div class="row" style="margin-top:0.6rem">
        <button type="submit">Oldest</button>
        <button type="button" onClick={submit('newest')}>
          Newest
        </button>
        <div class="field">
          <label for="seek-offset">Offset</label>
          <input {...bind('offset')} inputMode="numeric" />
        </div>
        <button type="button" onClick={submit('offset', { offset: form.offset })}>
          Go to offset
        </button>
        <div class="field">
          <label for="seek-time">From time (UTC, ISO)</label>
          <input {...bind('time')} placeholder="2026-01-31T12:00:00Z" />
        </div>
        <div class="field">
          <label for="seek-until">Until time</label>
          <input {...bind('until')} />
        </div>
        <button type="button" onClick={submit('time', { time: form.time })}>
          Go to time
        </button>
      </div>
    </form>
  );
}

function PageView({
  page,
  onGo,
  onRefresh,
}: {
  page: Page;
  onGo: (cursor: string) => void;
  onRefresh: () => void;
}) {
  const { scan } = page;
  return (
    <section aria-labelledby="records-title">
      <h2 id="records-title">Records</h2>
      <p role="status" data-testid="scan-summary">
        {page.records.length} records · scanned {scan.scanned} in {scan.elapsedMs} ms
        {scan.budgetExhausted && ' · scan budget used up: Next resumes where it stopped'}
        {scan.reachedEnd && ' · end of the topic'}
        {page.range.from && ` · ${time(page.range.from)} – ${time(page.range.to)}`}
      </p>
      <div class="row">
        <button
          type="button"
          disabled={page.prev === null}
          onClick={() => page.prev !== null && onGo(page.prev)}
        >
          Previous
        </button>
        <button type="button" onClick={onRefresh}>
          Refresh
        </button>
        <button
          type="button"
          disabled={page.next === null}
          onClick={() => page.next !== null && onGo(page.next)}
        >
          Next
        </button>
        <span class="muted">
          cursor <code data-testid="cursor">{page.cursor || '—'}</code>
        </span>
      </div>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>Partition</th>
              <th>Offset</th>
              <th>Time</th>
              <th>Key</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {page.records.map((record) => (
              <tr key={`${record.partition}:${record.offset}`} data-testid="record">
                <td>{record.partition}</td>
                <td>{record.offset}</td>
                <td>
                  {time(record.timestamp)}
                  <div class="muted">{ago(record.timestamp)}</div>
                </td>
                <td>
                  <code>{record.key ?? '∅'}</code>
                </td>
                <td>
                  <RecordValue record={record} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
