import { useState } from 'preact/hooks';
import { ApiError, api, get, post } from '../../common/api.ts';
import { ErrorBox, Field, Loading, useLoad } from '../../common/ui.tsx';

// The message browser's saved filters: the shared presets (such as "Hide heartbeats") and the
// operator's own. A filter is the browser's filter parameters; applying one is a link — the filter
// in the URL, with the page's current starting point — so the view it gives can be shared as is.

export const filterNames = ['key', 'header', 'field', 'type', 'expr', 'partition', 'until'] as const;
const startNames = ['seek', 'offset', 'time'] as const;

interface SavedFilter {
  id: string;
  name: string;
  shared: boolean;
  params: Record<string, string>;
  createdBy: string;
}

/** The URL of the topic's browser with `filter` applied, from the current start (else the oldest). */
export function filterLink(topic: string, filter: Record<string, string>, current: URLSearchParams): string {
  const next = new URLSearchParams(filter);
  for (const name of startNames) {
    const value = current.get(name);
    if (value !== null) next.set(name, value);
  }
  if (!next.has('seek')) next.set('seek', 'oldest');
  return `/console/topics/${encodeURIComponent(topic)}?${next.toString()}`;
}

export function SavedFilters({ topic, params }: { topic: string; params: URLSearchParams }) {
  const filters = useLoad(() => get<{ filters: SavedFilter[] }>('/api/v1/ops/kafka/filters'), []);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const current = Object.fromEntries(
    filterNames.flatMap((n) => (params.get(n) ? [[n, params.get(n) as string]] : [])),
  );
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await post('/api/v1/ops/kafka/filters', { name, shared, params: current });
      setName('');
      setError(null);
      filters.reload();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : null);
    }
  };
  const remove = (id: string) =>
    api('DELETE', `/api/v1/ops/kafka/filters/${id}`).then(filters.reload, setError);
  return (
    <section class="card" aria-labelledby="saved-title">
      <h2 id="saved-title">Saved filters</h2>
      <Loading loaded={filters}>
        {({ filters: list }) => (
          <ul data-testid="saved-filters">
            {list.map((filter) => (
              <li key={filter.id}>
                <a href={filterLink(topic, filter.params, params)}>{filter.name}</a>{' '}
                <span class="muted">
                  {filter.shared ? 'shared' : 'yours'} · {describe(filter.params)}
                </span>{' '}
                {!filter.shared && (
                  <button type="button" class="secondary" onClick={() => void remove(filter.id)}>
                    Delete {filter.name}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loading>
      <form class="row" aria-label="Save the current filter" onSubmit={save}>
        <Field label="Name of the current filter" name="name" value={name} onInput={setName} error={error} />
        <label>
          <input
            type="checkbox"
            checked={shared}
            onChange={(e) => setShared((e.target as HTMLInputElement).checked)}
          />{' '}
          Shared with every operator
        </label>
        <button type="submit" disabled={Object.keys(current).length === 0 || name.trim() === ''}>
          Save filter
        </button>
      </form>
      <ErrorBox error={error} />
    </section>
  );
}

function describe(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}: ${value}`)
    .join(' · ');
}
