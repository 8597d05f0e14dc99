import { useEffect, useRef, useState } from 'preact/hooks';
import { get, query } from '../../common/api.ts';
import { ErrorBox, Loading, Table, time, useLoad } from '../../common/ui.tsx';
import { bytes } from '../format.ts';
import { type Page, RecordValue, type RecordView } from './record-view.tsx';

// Beside the record browser: the topic's partitions and config, and a live tail — the newest records
// as they arrive, bounded (the last 200, five minutes at most, one request every 2 s) and pausable.

interface TopicInfo {
  partitions: {
    partition: number;
    leader: number;
    replicas: number[];
    isr: number[];
    start: string;
    end: string;
    sizeBytes: string | null;
  }[];
  sizeBytes: string | null;
  configs: Record<string, string | null>;
}

export function TopicDetail({ topic }: { topic: string }) {
  const info = useLoad(
    () => get<TopicInfo>(`/api/v1/ops/kafka/topics/${encodeURIComponent(topic)}`),
    [topic],
  );
  return (
    <details class="card">
      <summary>
        Partitions and config
        {info.value && <span data-testid="topic-detail-size"> · {bytes(info.value.sizeBytes)} on disk</span>}
      </summary>
      <Loading loaded={info}>
        {(value) => (
          <>
            <Table
              head={['Partition', 'Leader', 'Replicas', 'In sync', 'Start offset', 'End offset', 'Size']}
              rows={value.partitions}
              rowKey={(p) => String(p.partition)}
              cells={(p) => [
                p.partition,
                p.leader,
                p.replicas.join(', '),
                p.isr.join(', '),
                p.start,
                p.end,
                bytes(p.sizeBytes),
              ]}
            />
            <Table
              head={['Setting', 'Value']}
              rows={Object.entries(value.configs).sort(([a], [b]) => a.localeCompare(b))}
              rowKey={([name]) => name}
              cells={([name, setting]) => [<code>{name}</code>, setting ?? '—']}
            />
          </>
        )}
      </Loading>
    </details>
  );
}

const keep = 200;
const everyMs = 2_000;
const forMs = 5 * 60_000;

export function LiveTail({ topic, filters }: { topic: string; filters: Record<string, string | undefined> }) {
  const [running, setRunning] = useState(false);
  const [records, setRecords] = useState<RecordView[]>([]);
  const [error, setError] = useState<unknown>(null);
  const cursor = useRef<string | null>(null);
  useEffect(() => {
    if (!running) return;
    const stopAt = Date.now() + forMs;
    let live = true;
    const path = `/api/v1/ops/kafka/topics/${encodeURIComponent(topic)}/messages`;
    const step = async () => {
      const where =
        cursor.current === null ? { seek: 'newest', limit: 20 } : { cursor: cursor.current, limit: 100 };
      const page = await get<Page>(`${path}${query({ ...filters, ...where })}`);
      cursor.current = page.next ?? cursor.current ?? page.cursor;
      if (live) setRecords((shown) => [...shown, ...page.records].slice(-keep));
    };
    const tick = async () => {
      if (!live) return;
      if (Date.now() > stopAt) return setRunning(false);
      await step().catch(setError);
      if (live) timer = setTimeout(() => void tick(), everyMs);
    };
    let timer = setTimeout(() => void tick(), 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [running, topic, JSON.stringify(filters)]);

  return (
    <section class="card" aria-labelledby="tail-title">
      <h2 id="tail-title">Live tail</h2>
      <p class="muted">The newest records as they arrive: the last {keep} kept, for five minutes at most.</p>
      <div class="row">
        <button type="button" onClick={() => setRunning(!running)} aria-pressed={running}>
          {running ? 'Pause' : 'Follow live'}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setRecords([]);
            cursor.current = null;
          }}
        >
          Clear
        </button>
        <span role="status">
          {running ? `following · ${records.length} shown` : `${records.length} shown`}
        </span>
      </div>
      <ErrorBox error={error} />
      <Table
        head={['Partition', 'Offset', 'Time', 'Key', 'Value']}
        rows={[...records].reverse()}
        rowKey={(r) => `${r.partition}:${r.offset}`}
        rowTestId="tail-record"
        cells={(r) => [
          r.partition,
          r.offset,
          time(r.timestamp),
          <code>{r.key ?? '∅'}</code>,
          <RecordValue record={r} />,
        ]}
      />
    </section>
  );
}
