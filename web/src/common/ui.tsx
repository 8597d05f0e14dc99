import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

// Pieces every page uses: a labelled field that shows the server's error for it, a form-level error
// box, and `useLoad` (a value, its error, a reload) so no page ever renders blank.

export function Field(props: {
  label: string;
  name: string;
  type?: 'text' | 'email' | 'password' | 'number' | 'datetime-local';
  value: string;
  onInput: (value: string) => void;
  error?: ApiError | null;
  autoComplete?: string;
  required?: boolean;
  /** When two forms of a page share a field name (its server error's name). */
  id?: string;
}) {
  const id = props.id ?? `field-${props.name}`;
  const message = props.error?.fieldError(props.name);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        // Preact's input types are a union per type; every one used here takes these attributes.
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        required={props.required}
        autoComplete={props.autoComplete}
        aria-invalid={message !== undefined}
        aria-describedby={message === undefined ? undefined : `${id}-error`}
        onInput={(event) => props.onInput((event.target as HTMLInputElement).value)}
      />
      {message !== undefined && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {message}
        </p>
      )}
    </div>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  const text = problem ? `${problem.title}: ${problem.detail}` : String(error);
  return (
    <div class="error" role="alert">
      <p>{text}</p>
      {problem?.instance && <p class="muted">request id {problem.instance}</p>}
    </div>
  );
}

export interface Loaded<T> {
  value: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ value: T | undefined; error: unknown; loading: boolean }>({
    value: undefined,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (value) => live && setState({ value, error: null, loading: false }),
      (error: unknown) => live && setState((previous) => ({ ...previous, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { ...state, reload };
}

export function Loading<T>(props: { loaded: Loaded<T>; children: (value: T) => ComponentChildren }) {
  const { value, error, loading } = props.loaded;
  return (
    <>
      <ErrorBox error={error} />
      {value === undefined ? loading && <p aria-busy="true">Loading…</p> : props.children(value)}
    </>
  );
}

export function money(cents: number, currency: string): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
}

export function time(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  return `${date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')}`;
}

export function ago(iso: string | number): string {
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  return `${Math.round(seconds / 3600)}h ago`;
}

/** A table of rows, one cell per heading, scrolling sideways on a narrow screen. */
export function Table<T>(props: {
  head: readonly string[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  cells: (row: T) => ComponentChildren[];
  caption?: string;
  rowTestId?: string;
}) {
  return (
    <div class="scroll">
      <table>
        {props.caption !== undefined && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            {props.head.map((heading) => (
              <th key={heading}>{heading}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)} data-testid={props.rowTestId}>
              {props.cells(row).map((cell, index) => (
                <td key={props.head[index] ?? index}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
