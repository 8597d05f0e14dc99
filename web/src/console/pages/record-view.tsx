// A record as the console shows it, and a page of them, as the operations service answers.

export interface RecordView {
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  size: number;
  json?: unknown;
  text?: string;
  hex?: string;
  note?: string;
}

export interface Page {
  cursor: string;
  next: string | null;
  prev: string | null;
  records: RecordView[];
  scan: {
    scanned: number;
    matched: number;
    budgetExhausted: boolean;
    reachedEnd: boolean;
    elapsedMs: number;
  };
  range: { from: string | null; to: string | null };
  partitions: { partition: number; start: string; end: string }[];
}

/** The record's decoded value (pretty JSON, else text or hex with the reason) and its headers. */
export function RecordValue({ record }: { record: RecordView }) {
  const summary =
    record.json !== undefined
      ? String((record.json as { type?: unknown }).type ?? 'JSON')
      : (record.note ?? '');
  return (
    <details>
      <summary>
        {summary} <span class="muted">({record.size} bytes)</span>
      </summary>
      {record.note && <p class="muted">{record.note}</p>}
      <pre>
        {record.json !== undefined ? JSON.stringify(record.json, null, 2) : (record.text ?? record.hex ?? '')}
      </pre>
      <p class="muted">Headers</p>
      <pre>{JSON.stringify(record.headers, null, 2)}</pre>
    </details>
  );
}
