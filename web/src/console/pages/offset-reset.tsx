import { useState } from 'preact/hooks';
import { ApiError, post } from '../../common/api.ts';
import { ErrorBox, Field, Table } from '../../common/ui.tsx';

// Resetting a consumer group's offsets on one of its topics — only while the group has no members
// (the server refuses otherwise). A dry run comes first and shows each partition's new offset and
// how many records the group will read again or never read; the reset itself needs a reason and a
// confirmation, and is audited.

interface ResetAnswer {
  dryRun: boolean;
  resetId: string | null;
  partitions: {
    partition: number;
    current: string | null;
    next: string;
    replayed: string;
    skipped: string;
  }[];
  totals: { replayed: string; skipped: string };
}

const targets = [
  ['earliest', 'Earliest (replay everything kept)'],
  ['latest', 'Latest (skip everything unread)'],
  ['timestamp', 'A time'],
  ['offsets', 'Offsets per partition'],
] as const;

export function OffsetReset({ group, topics }: { group: string; topics: string[] }) {
  const [form, setForm] = useState({
    topic: topics[0] ?? '',
    to: 'earliest',
    timestamp: '',
    offsets: '',
    reason: '',
  });
  const [plan, setPlan] = useState<ResetAnswer | null>(null);
  const [done, setDone] = useState<ResetAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  // A change of where to reset makes the dry run stale; the reason does not.
  const set = (name: keyof typeof form) => (value: string) => {
    setForm({ ...form, [name]: value });
    if (name !== 'reason') setPlan(null);
  };
  const send = async (dryRun: boolean) => {
    setError(null);
    try {
      const answer = await post<ResetAnswer>(
        `/api/v1/ops/consumer-groups/${encodeURIComponent(group)}/offsets/reset`,
        bodyOf(form, dryRun),
      );
      if (dryRun) setPlan(answer);
      else {
        setDone(answer);
        setPlan(null);
      }
    } catch (failure) {
      setError(failure);
    }
  };
  const confirmAndReset = () => {
    if (plan === null) return;
    const question = `Reset ${group} on ${form.topic}: ${plan.totals.replayed} records replayed, ${plan.totals.skipped} skipped?`;
    if (window.confirm(question)) void send(false);
  };
  const fieldError = error instanceof ApiError ? error : null;
  return (
    <form class="card" aria-label={`Reset offsets of ${group}`} onSubmit={(event) => event.preventDefault()}>
      <h3>Reset offsets</h3>
      <div class="row">
        <TargetFields form={form} topics={topics} set={set} error={fieldError} />
        <button type="button" onClick={() => void send(true)}>
          Dry run
        </button>
      </div>
      <ErrorBox error={error} />
      {plan && (
        <PlanTable
          answer={plan}
          caption={`Dry run: ${plan.totals.replayed} replayed, ${plan.totals.skipped} skipped`}
        />
      )}
      {plan && (
        <div class="row">
          <Field
            label="Reason for the reset"
            name="reason"
            value={form.reason}
            onInput={set('reason')}
            error={fieldError}
          />
          <button type="button" onClick={confirmAndReset}>
            Reset offsets
          </button>
        </div>
      )}
      {done && (
        <p role="status" data-testid="reset-done">
          Offsets reset ({done.totals.replayed} replayed, {done.totals.skipped} skipped); audit entry written,
          reset {done.resetId}.
        </p>
      )}
    </form>
  );
}

type ResetForm = { topic: string; to: string; timestamp: string; offsets: string; reason: string };

/** Which topic, and where to: the start, the end, a time, or offsets per partition. */
function TargetFields(props: {
  form: ResetForm;
  topics: string[];
  set: (name: keyof ResetForm) => (value: string) => void;
  error: ApiError | null;
}) {
  const { form, topics, set } = props;
  const fieldError = props.error;
  return (
    <>
      <div class="field">
        <label for="reset-topic">Topic</label>
        <select
          id="reset-topic"
          value={form.topic}
          onChange={(e) => set('topic')((e.target as HTMLSelectElement).value)}
        >
          {topics.map((topic) => (
            <option key={topic}>{topic}</option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="reset-to">Reset to</label>
        <select
          id="reset-to"
          value={form.to}
          onChange={(e) => set('to')((e.target as HTMLSelectElement).value)}
        >
          {targets.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {form.to === 'timestamp' && (
        <Field
          label="Time (UTC, ISO)"
          name="timestamp"
          value={form.timestamp}
          onInput={set('timestamp')}
          error={fieldError}
        />
      )}
      {form.to === 'offsets' && (
        <Field
          label="Offsets (partition:offset, …)"
          name="offsets"
          value={form.offsets}
          onInput={set('offsets')}
          error={fieldError}
        />
      )}
    </>
  );
}

function PlanTable({ answer, caption }: { answer: ResetAnswer; caption: string }) {
  return (
    <Table
      caption={caption}
      head={['Partition', 'Committed now', 'New offset', 'Replayed', 'Skipped']}
      rows={answer.partitions}
      rowKey={(p) => String(p.partition)}
      rowTestId="reset-plan"
      cells={(p) => [p.partition, p.current ?? 'none', p.next, p.replayed, p.skipped]}
    />
  );
}

function bodyOf(form: ResetForm, dryRun: boolean) {
  return {
    topic: form.topic,
    to: form.to,
    dryRun,
    ...(form.to === 'timestamp' && form.timestamp !== '' ? { timestamp: form.timestamp } : {}),
    ...(form.to === 'offsets' && form.offsets !== '' ? { offsets: offsetsOf(form.offsets) } : {}),
    ...(dryRun || form.reason === '' ? {} : { reason: form.reason }),
  };
}

/** `0:12, 1:40` → [{partition: 0, offset: '12'}, …]; the server names what it cannot take. */
function offsetsOf(text: string) {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [partition = '', offset = ''] = part.split(':');
      return { partition: Number(partition), offset: offset.trim() };
    });
}
