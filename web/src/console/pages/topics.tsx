import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from '../../common/api.ts';
import { navigate, useLocation } from '../../common/router.ts';
import { ErrorBox, Loading, Table, useLoad } from '../../common/ui.tsx';
import { bytes, duration } from '../format.ts';
import { PageView, ScanStatus, useScan } from './record-page.tsx';
import { filterNames, SavedFilters } from './saved-filters.tsx';
import { LiveTail, TopicDetail } from './topic-extras.tsx';

// Topics and the message browser. The browser reads nothing until a place to start is chosen; each
// page's position is the cursor in the URL (per-partition offsets), so Previous/Next, a reload and a
// shared link all show the same records. Filters run on the server within a budget it reports, and
// a running scan can be cancelled. The topic list shows sizes and its groups' lag, every 5 s.

interface TopicSummary {
  name: string;
  partitions: number;
  replicas: number;
  records: string;
  sizeBytes: string | null;
  retentionMs: string | null;
  cleanupPolicy: string | null;
  lag: { groups: number; maxOffsets: string; maxSeconds: number | null; worstGroup: string | null };
}

export function Topics() {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((value) => value + 1), 5_000);
    return () => clearInterval(timer);
  }, []);
  const topics = useLoad(() => get<{ topics: TopicSummary[] }>('/api/v1/ops/kafka/topics'), [tick]);
  return (
    <>
      <h1>Topics</h1>
      <p class="muted">
        Lag: the consumer group furthest behind, in records and in the age of its oldest unread record.
      </p>
      <Loading loaded={topics}>
        {({ topics: list }) => (
          <Table
            head={[
              'Topic',
              'Partitions',
              'Replicas',
              'Records',
              'Size',
              'Lag',
              'Lag (time)',
              'Retention',
              'Cleanup',
            ]}
            rows={list}
            rowKey={(topic) => topic.name}
            rowTestId="topic-row"
            cells={(topic) => [
              <a href={`/console/topics/${encodeURIComponent(topic.name)}`}>{topic.name}</a>,
              topic.partitions,
              topic.replicas,
              topic.records,
              <span data-testid="topic-size">{bytes(topic.sizeBytes)}</span>,
              topic.lag.groups === 0 ? (
                '—'
              ) : (
                <span title={topic.lag.worstGroup ?? ''}>{topic.lag.maxOffsets}</span>
              ),
              duration(topic.lag.maxSeconds),
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

const seekNames = ['cursor', 'seek', 'offset', 'time'] as const;

export function Messages({ topic }: { topic: string }) {
  const { params } = useLocation();
  const asked = seekNames.some((name) => params.has(name));
  const search = params.toString();
  const scan = useScan(
    asked ? `/api/v1/ops/kafka/topics/${encodeURIComponent(topic)}/messages?${search}` : null,
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
      <SeekForm key={search} params={params} onSeek={go} error={scan.error} />
      <SavedFilters topic={topic} params={params} />
      <ScanStatus scan={scan} />
      <ErrorBox error={scan.error} />
      {!asked && <p class="muted">Choose where to start reading: nothing is read before.</p>}
      {scan.value && !scan.loading && (
        <PageView topic={topic} page={scan.value} onGo={(cursor) => go({ cursor })} onRefresh={scan.reload} />
      )}
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
  error,
}: {
  params: URLSearchParams;
  onSeek: (changes: Record<string, string | undefined>) => void;
  error: unknown;
}) {
  const exprError = error instanceof ApiError ? error.fieldError('expr') : undefined;
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
      <div class="field" style="margin-top:0.6rem">
        <label for="seek-expr">Filter expression</label>
        <input
          {...bind('expr')}
          placeholder={'value.type == "OrderCreated" and not headers.source contains "test"'}
          aria-invalid={exprError !== undefined}
          aria-describedby="seek-expr-help"
        />
        <p
          id="seek-expr-help"
          class={exprError === undefined ? 'muted' : 'field-error'}
          role={exprError === undefined ? undefined : 'alert'}
        >
          {exprError ??
            'key, headers.name, value.path, partition, offset, timestamp; == != < > <= >= contains; and, or, not, ( )'}
        </p>
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
