import { useState } from 'preact/hooks';
import { get, post } from '../../common/api.ts';
import { ErrorBox, Loading, Table, useLoad } from '../../common/ui.tsx';

// Kafka Connect: each connector and task with its state and failure trace; restart, pause, resume.
// The service polls Connect until the state changes (5 s at most) and answers before and after, so a
// button never fires and forgets: the result is shown. Unknown states are shown as they come.

interface Unit {
  state: string;
  workerId: string | null;
  trace: string | null;
}
interface Connector {
  name: string;
  type: string | null;
  connector: Unit;
  tasks: (Unit & { id: number })[];
}
interface Slot {
  slot: string;
  active: boolean;
  walStatus: string | null;
  lagBytes: number | null;
  retainedBytes: number | null;
}

export function Connect() {
  const connectors = useLoad(() => get<{ connectors: Connector[] }>('/api/v1/ops/connectors'), []);
  const slots = useLoad(() => get<{ slots: Slot[] }>('/api/v1/ops/replication-slots'), []);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function act(name: string, action: 'restart' | 'pause' | 'resume'): Promise<void> {
    setBusy(true);
    setError(null);
    setResult(`${action} ${name}: waiting for the state to change…`);
    try {
      const answer = await post<{ before: Connector; after: Connector; changed: boolean }>(
        `/api/v1/ops/connectors/${encodeURIComponent(name)}/${action}`,
        { reason: `console: ${action}` },
      );
      setResult(
        `${action} ${name}: ${answer.before.connector.state} → ${answer.after.connector.state}${answer.changed ? '' : ' (no change seen within 5 s)'}`,
      );
      connectors.reload();
    } catch (caught) {
      setError(caught);
      setResult(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>Kafka Connect</h1>
      {result && (
        <p role="status" class="card" data-testid="connect-result">
          {result}
        </p>
      )}
      <ErrorBox error={error} />
      <Loading loaded={connectors}>
        {({ connectors: list }) => (
          <>
            {list.map((connector) => (
              <section class="card" key={connector.name} aria-labelledby={`c-${connector.name}`}>
                <h2 id={`c-${connector.name}`}>
                  {connector.name}{' '}
                  <span class={`status ${connector.connector.state}`}>{connector.connector.state}</span>
                </h2>
                <p class="muted">
                  {connector.type ?? ''} on {connector.connector.workerId ?? '—'}
                </p>
                {connector.connector.trace && <pre>{connector.connector.trace}</pre>}
                <ul>
                  {connector.tasks.map((task) => (
                    <li key={task.id}>
                      task {task.id}: <span class={`status ${task.state}`}>{task.state}</span>
                      {task.trace && <pre>{task.trace}</pre>}
                    </li>
                  ))}
                </ul>
                <div class="row">
                  {(['restart', 'pause', 'resume'] as const).map((action) => (
                    <button
                      type="button"
                      class="secondary"
                      disabled={busy}
                      key={action}
                      onClick={() => void act(connector.name, action)}
                    >
                      {action[0]?.toUpperCase()}
                      {action.slice(1)} {connector.name}
                    </button>
                  ))}
                </div>
              </section>
            ))}
          </>
        )}
      </Loading>
      <h2>Replication slots</h2>
      <Loading loaded={slots}>
        {({ slots: list }) => (
          <Table
            head={['Slot', 'Active', 'WAL status', 'Lag', 'Retained']}
            rows={list}
            rowKey={(slot) => slot.slot}
            cells={(slot) => [
              slot.slot,
              slot.active ? 'yes' : 'no',
              slot.walStatus ?? '—',
              bytes(slot.lagBytes),
              bytes(slot.retainedBytes),
            ]}
          />
        )}
      </Loading>
    </>
  );
}

function bytes(value: number | null): string {
  if (value === null) return '—';
  if (value < 1024) return `${value} B`;
  if (value < 1024 ** 2) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 ** 2).toFixed(1)} MiB`;
}
