import { useState } from 'preact/hooks';
import { ApiError, get } from '../../common/api.ts';
import { accessToken } from '../../common/session.ts';
import { ErrorBox } from '../../common/ui.tsx';
import type { RecordView } from './record-view.tsx';

// What an operator does with records in the browser: reveal one record's e-mail addresses (the API
// masks them; a reveal is audited), download its raw key or value bytes (audited too), and export
// the selected records — or the page — as JSON. An export holds at most one page (500 records, the
// page size's cap), exactly as shown: masked.

export const exportCap = 500;

const recordPath = (topic: string, record: RecordView) =>
  `/api/v1/ops/kafka/topics/${encodeURIComponent(topic)}/records/${record.partition}/${record.offset}`;

export function RecordActions(props: {
  topic: string;
  record: RecordView;
  onRevealed: (record: RecordView) => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const path = recordPath(props.topic, props.record);
  const reveal = () => get<RecordView>(`${path}?reveal=true`).then(props.onRevealed, setError);
  const raw = (part: 'key' | 'value') => () =>
    downloadRaw(
      `${path}/raw?part=${part}`,
      `${props.topic}-${props.record.partition}-${props.record.offset}.${part}.bin`,
    ).catch(setError);
  const at = `${props.record.partition}:${props.record.offset}`;
  return (
    <div class="row">
      <button
        type="button"
        class="secondary"
        onClick={reveal}
        aria-label={`Reveal e-mail addresses of ${at}`}
      >
        Reveal
      </button>
      <button type="button" class="secondary" onClick={raw('key')} aria-label={`Download key bytes of ${at}`}>
        Key bytes
      </button>
      <button
        type="button"
        class="secondary"
        onClick={raw('value')}
        aria-label={`Download value bytes of ${at}`}
      >
        Value bytes
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

/** The bytes as a file: fetched with the session's token (a plain link would carry none). */
async function downloadRaw(path: string, name: string): Promise<void> {
  const token = await accessToken();
  const response = await fetch(path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { title?: string; detail?: string };
    throw new ApiError({
      status: response.status,
      title: problem.title ?? response.statusText,
      detail: problem.detail ?? '',
      errors: [],
    });
  }
  save(name, await response.blob());
}

export function exportRecords(topic: string, cursor: string, records: readonly RecordView[]): void {
  const document = {
    topic,
    cursor,
    exportedAt: new Date().toISOString(),
    note: 'e-mail addresses masked, as shown in the console',
    records: records.slice(0, exportCap),
  };
  const stamp = new Date().toISOString().replaceAll(':', '-');
  save(`${topic}-${stamp}.json`, new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' }));
}

function save(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
