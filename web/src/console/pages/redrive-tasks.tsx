import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../../common/api.ts';
import { ErrorBox, Field, Loading, Table, time, useLoad } from '../../common/ui.tsx';

// Redrive many: every open dead letter matching a filter (group, topic, error code, time of the last
// failure), as a task the operations service runs in the background at a velocity limit. The count
// is asked first (a dry run) and must be typed back to start; the task's progress is followed until
// nothing is pending, and what is pending can be cancelled. Each redrive is as idempotent as a single
// one (the same redrive id however often it is produced) and audited, as is the task.

interface Task {
  batchId: string;
  requestedBy: string;
  requestedAt: string;
  reason: string | null;
  total: number;
  ratePerSecond: number | null;
  counts: { pending: number; produced: number; resolved: number; cancelled: number };
  done: boolean;
}

const filterFields = [
  ['group', 'Consumer group'],
  ['topic', 'Origin topic'],
  ['code', 'Error code'],
  ['failedFrom', 'Failed from (UTC, ISO)'],
  ['failedTo', 'Failed before (UTC, ISO)'],
] as const;

type FilterForm = Record<(typeof filterFields)[number][0], string>;

function filterOf(form: FilterForm): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([, value]) => value.trim() !== ''));
}

export function BulkRedrive() {
  const [form, setForm] = useState<FilterForm>({
    group: '',
    topic: '',
    code: '',
    failedFrom: '',
    failedTo: '',
  });
  const [rate, setRate] = useState('');
  const [reason, setReason] = useState('');
  const [matching, setMatching] = useState<{ count: number; warnings: number } | null>(null);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const tasks = useLoad(() => get<{ items: Task[] }>('/api/v1/ops/redrives?limit=10'), [taskId]);

  const request = async (dryRun: boolean) => {
    setError(null);
    const body = {
      filter: filterOf(form),
      dryRun,
      ...(dryRun ? {} : { expectedCount: Number(typed) }),
      ...(rate.trim() === '' ? {} : { ratePerSecond: Number(rate) }),
      ...(reason.trim() === '' ? {} : { reason }),
    };
    try {
      const answer = await post<{ count: number; batchId: string | null; warnings: unknown[] }>(
        '/api/v1/ops/dead-letters/redrive',
        body,
      );
      if (dryRun) setMatching({ count: answer.count, warnings: answer.warnings.length });
      else {
        setTaskId(answer.batchId);
        setMatching(null);
        setTyped('');
      }
    } catch (caught) {
      if (caught instanceof ApiError) setError(caught);
    }
  };

  return (
    <section class="card" aria-labelledby="bulk-title">
      <h2 id="bulk-title">Redrive many</h2>
      <form
        aria-label="Redrive the open dead letters matching a filter"
        onSubmit={(event) => {
          event.preventDefault();
          void request(true);
        }}
      >
        <div class="row">
          {filterFields.map(([name, label]) => (
            <Field
              key={name}
              label={label}
              name={`filter.${name}`}
              value={form[name]}
              onInput={(value) => {
                setForm({ ...form, [name]: value });
                setMatching(null);
              }}
              error={error}
            />
          ))}
        </div>
        <div class="row">
          <Field
            label="Records per second (blank: the service's limit)"
            name="ratePerSecond"
            value={rate}
            onInput={setRate}
            error={error}
          />
          <Field
            label="Reason"
            name="reason"
            id="bulk-reason"
            value={reason}
            onInput={setReason}
            error={error}
          />
          <button type="submit">Count matching</button>
        </div>
      </form>
      {matching !== null && (
        <Confirm
          matching={matching}
          typed={typed}
          setTyped={setTyped}
          error={error}
          start={() => void request(false)}
        />
      )}
      {error !== null && error.problem.errors.length === 0 && <ErrorBox error={error} />}
      {taskId !== null && <TaskProgress batchId={taskId} onChange={tasks.reload} />}
      <h3>Recent redrive tasks</h3>
      <Loading loaded={tasks}>
        {({ items }) => (
          <Table
            head={['Requested', 'By', 'Total', 'Produced', 'Pending', 'Cancelled', 'Velocity', 'Reason']}
            rows={items}
            rowKey={(task) => task.batchId}
            rowTestId="redrive-task"
            cells={(task) => [
              <button key="open" type="button" class="secondary" onClick={() => setTaskId(task.batchId)}>
                {time(task.requestedAt)}
              </button>,
              task.requestedBy,
              task.total,
              task.counts.produced + task.counts.resolved,
              task.counts.pending,
              task.counts.cancelled,
              task.ratePerSecond === null ? 'service limit' : `${task.ratePerSecond}/s`,
              task.reason ?? '—',
            ]}
          />
        )}
      </Loading>
    </section>
  );
}

function Confirm(props: {
  matching: { count: number; warnings: number };
  typed: string;
  setTyped: (value: string) => void;
  error: ApiError | null;
  start: () => void;
}) {
  const { count, warnings } = props.matching;
  if (count === 0) return <p role="status">No open dead letter matches.</p>;
  return (
    <fieldset>
      <legend>Confirm the bulk redrive</legend>
      <p role="status" data-testid="bulk-count">
        {count} open dead letter(s) match{warnings > 0 ? `; ${warnings} were redriven before` : ''}.
      </p>
      <Field
        label={`Type ${count} to confirm`}
        name="expectedCount"
        value={props.typed}
        onInput={props.setTyped}
        error={props.error}
      />
      <button type="button" disabled={props.typed !== String(count)} onClick={props.start}>
        Redrive {count}
      </button>
    </fieldset>
  );
}

/** A task's progress, asked again every second until nothing is pending; cancel while something is. */
function TaskProgress({ batchId, onChange }: { batchId: string; onChange: () => void }) {
  const progress = useLoad(
    () =>
      get<{ counts: Task['counts']; done: boolean; task: Task | null }>(`/api/v1/ops/redrives/${batchId}`),
    [batchId],
  );
  const [error, setError] = useState<unknown>(null);
  const done = progress.value?.done ?? false;
  useEffect(() => {
    if (done) {
      onChange();
      return;
    }
    const timer = setTimeout(progress.reload, 1_000);
    return () => clearTimeout(timer);
  }, [progress.value, progress.error, done]);
  const cancel = async () => {
    try {
      await post(`/api/v1/ops/redrives/${batchId}/cancel`, { reason: 'cancelled in the console' });
      progress.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <div class="card" data-testid="task-progress">
      <h3>Task {batchId.slice(0, 8)}</h3>
      <Loading loaded={progress}>
        {({ counts }) => {
          const total = counts.pending + counts.produced + counts.resolved + counts.cancelled;
          const sent = counts.produced + counts.resolved;
          return (
            <>
              <progress max={total} value={sent + counts.cancelled} aria-label="Redriven so far" />
              <p role="status" data-testid="task-counts">
                {sent} of {total} produced · {counts.resolved} handled by their group · {counts.pending}{' '}
                pending · {counts.cancelled} cancelled{done ? ' · done' : ''}
              </p>
              {!done && (
                <button type="button" class="secondary" onClick={() => void cancel()}>
                  Cancel what is pending
                </button>
              )}
              <a href={`/console/audit?targetId=${batchId}`}>Audit of this task</a>
            </>
          );
        }}
      </Loading>
      <ErrorBox error={error} />
    </div>
  );
}
