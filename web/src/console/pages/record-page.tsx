import { useEffect, useRef, useState } from 'preact/hooks';
import { api, get } from '../../common/api.ts';
import { ago, time } from '../../common/ui.tsx';
import { exportCap, exportRecords, RecordActions } from './record-actions.tsx';
import { type Page, RecordValue, type RecordView } from './record-view.tsx';

// A page of records as the message browser shows it, and the scan that reads it: the request is
// aborted when the operator cancels (and the server told to stop its scan), when the page asks for
// another one, or when the operator leaves. Records can be selected and exported, revealed one at a
// time, or downloaded as raw bytes.

export interface Scan {
  value: Page | null;
  error: unknown;
  loading: boolean;
  cancelled: boolean;
  cancel: () => void;
  reload: () => void;
}

export function useScan(path: string | null): Scan {
  const [state, setState] = useState({
    value: null as Page | null,
    error: null as unknown,
    loading: false,
    cancelled: false,
  });
  const [tick, setTick] = useState(0);
  const running = useRef<AbortController | null>(null);
  useEffect(() => {
    if (path === null) return setState({ value: null, error: null, loading: false, cancelled: false });
    const controller = new AbortController();
    running.current = controller;
    setState((previous) => ({ ...previous, loading: true, cancelled: false }));
    get<Page>(path, controller.signal).then(
      (value) => setState({ value, error: null, loading: false, cancelled: false }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState((previous) => ({ ...previous, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [path, tick]);
  const cancel = () => {
    running.current?.abort();
    // The server stops too: its reader checks between fetches (the abort alone reaches it through the
    // gateway; this says so at once, freeing the one scan an operator may run).
    void api('DELETE', '/api/v1/ops/kafka/scans/mine').catch(() => {});
    setState((previous) => ({ ...previous, loading: false, cancelled: true }));
  };
  return { ...state, cancel, reload: () => setTick((value) => value + 1) };
}

export function ScanStatus({ scan }: { scan: Scan }) {
  if (scan.loading)
    return (
      <p role="status" class="row" aria-busy="true">
        <span data-testid="scan-running">Scanning…</span>
        <button type="button" onClick={scan.cancel}>
          Cancel scan
        </button>
      </p>
    );
  if (scan.cancelled)
    return (
      <p role="status" data-testid="scan-cancelled">
        Scan cancelled: nothing more is read.
      </p>
    );
  return null;
}

export function PageView(props: {
  topic: string;
  page: Page;
  onGo: (cursor: string) => void;
  onRefresh: () => void;
}) {
  const { page } = props;
  const { scan } = page;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [revealed, setRevealed] = useState<Map<string, RecordView>>(new Map());
  useEffect(() => {
    setSelected(new Set());
    setRevealed(new Map());
  }, [page]);
  const id = (record: RecordView) => `${record.partition}:${record.offset}`;
  const records = page.records.map((record) => revealed.get(id(record)) ?? record);
  const toggle = (record: RecordView) => {
    const next = new Set(selected);
    if (!next.delete(id(record))) next.add(id(record));
    setSelected(next);
  };
  return (
    <section aria-labelledby="records-title">
      <h2 id="records-title">Records</h2>
      <p role="status" data-testid="scan-summary">
        {page.records.length} records · scanned {scan.scanned} in {scan.elapsedMs} ms
        {scan.budgetExhausted && ' · scan budget used up: Next resumes where it stopped'}
        {scan.reachedEnd && ' · end of the topic'}
        {page.range.from && ` · ${time(page.range.from)} – ${time(page.range.to)}`}
      </p>
      <PageToolbar
        page={page}
        onGo={props.onGo}
        onRefresh={props.onRefresh}
        onExport={(all) =>
          exportRecords(props.topic, page.cursor, all ? records : records.filter((r) => selected.has(id(r))))
        }
        selected={selected.size}
      />
      <RecordTable
        topic={props.topic}
        records={records}
        selected={selected}
        onToggle={toggle}
        onRevealed={(r) => setRevealed(new Map(revealed).set(id(r), r))}
      />
    </section>
  );
}

/** Paging, refresh, the cursor, and the exports (the selected records or the whole page). */
function PageToolbar(props: {
  page: Page;
  onGo: (cursor: string) => void;
  onRefresh: () => void;
  onExport: (all: boolean) => void;
  selected: number;
}) {
  const { page } = props;
  return (
    <div class="row">
      <button
        type="button"
        disabled={page.prev === null}
        onClick={() => page.prev !== null && props.onGo(page.prev)}
      >
        Previous
      </button>
      <button type="button" onClick={props.onRefresh}>
        Refresh
      </button>
      <button
        type="button"
        disabled={page.next === null}
        onClick={() => page.next !== null && props.onGo(page.next)}
      >
        Next
      </button>
      <span class="muted">
        cursor <code data-testid="cursor">{page.cursor || '—'}</code>
      </span>
      <button
        type="button"
        class="secondary"
        disabled={props.selected === 0}
        onClick={() => props.onExport(false)}
      >
        Export selected ({props.selected})
      </button>
      <button type="button" class="secondary" onClick={() => props.onExport(true)}>
        Export page
      </button>
      <span class="muted">JSON, at most {exportCap} records, addresses masked</span>
    </div>
  );
}

function RecordTable(props: {
  topic: string;
  records: RecordView[];
  selected: Set<string>;
  onToggle: (record: RecordView) => void;
  onRevealed: (record: RecordView) => void;
}) {
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th>Partition</th>
            <th>Offset</th>
            <th>Time</th>
            <th>Key</th>
            <th>Value</th>
            <th>Select</th>
          </tr>
        </thead>
        <tbody>
          {props.records.map((record) => {
            const at = `${record.partition}:${record.offset}`;
            return (
              <tr key={at} data-testid="record">
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
                  <RecordActions topic={props.topic} record={record} onRevealed={props.onRevealed} />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select record ${at}`}
                    checked={props.selected.has(at)}
                    onChange={() => props.onToggle(record)}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
