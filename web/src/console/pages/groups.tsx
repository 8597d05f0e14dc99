import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from '../../common/api.ts';
import { ago, Loading, Table, time, useLoad } from '../../common/ui.tsx';
import { LineChart } from '../chart.tsx';
import { duration } from '../format.ts';
import { OffsetReset } from './offset-reset.tsx';

// Consumer groups with their lag per topic and partition, from the operations service's sampler
// (it samples every few seconds; the page asks again every 5 s), and a chart of a group's lag over
// time from the samples it keeps in PostgreSQL. Lag is in records and in time (the age of the oldest
// record not yet consumed), with when the group last committed; an idle group's offsets can be reset.

interface GroupLag {
  group: string;
  state: string;
  totalLag: number;
  lagSeconds: number | null;
  lastCommitAt: string | null;
  lastCommitAgeSeconds: number | null;
  partitions: {
    topic: string;
    partition: number;
    committed: string | null;
    end: string;
    lag: string;
    oldestUnconsumedAt: string | null;
    lagSeconds: number | null;
  }[];
}

export function Groups() {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((value) => value + 1), 5_000);
    return () => clearInterval(timer);
  }, []);
  const groups = useLoad(
    () => get<{ sampledAt: string; groups: GroupLag[] }>('/api/v1/ops/consumer-groups'),
    [tick],
  );
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <h1>Consumer groups</h1>
      <Loading loaded={groups}>
        {({ sampledAt, groups: list }) => (
          <>
            <p class="muted" role="status">
              Sampled {time(sampledAt)} ({ago(sampledAt)}); refreshed every 5 s.
            </p>
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th>Group</th>
                    <th>State</th>
                    <th>Total lag</th>
                    <th>Lag (time)</th>
                    <th>Last commit</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {list.map((group) => (
                    <Fragment key={group.group}>
                      <tr data-testid="group-row">
                        <td>{group.group}</td>
                        <td>{group.state}</td>
                        <td data-testid="group-lag">{group.totalLag}</td>
                        <td data-testid="group-lag-time">{duration(group.lagSeconds)}</td>
                        <td>{lastCommit(group)}</td>
                        <td>
                          <button
                            type="button"
                            class="secondary"
                            aria-expanded={open === group.group}
                            onClick={() => setOpen(open === group.group ? null : group.group)}
                          >
                            {open === group.group ? 'Hide' : 'Partitions and chart'}
                          </button>
                        </td>
                      </tr>
                      {open === group.group && (
                        <tr key={`${group.group}-detail`}>
                          <td colSpan={6}>
                            <GroupDetail group={group} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Loading>
    </>
  );
}

function GroupDetail({ group }: { group: GroupLag }) {
  const history = useLoad(
    () =>
      get<{ points: { at: string; lag: number }[] }>(
        `/api/v1/ops/consumer-groups/${encodeURIComponent(group.group)}/lag-history?minutes=30`,
      ),
    [group.group, group.totalLag],
  );
  return (
    <>
      <Table
        caption={`Lag of ${group.group} per partition`}
        head={['Topic', 'Partition', 'Committed', 'End', 'Lag', 'Oldest unconsumed', 'Lag (time)']}
        rows={group.partitions}
        rowKey={(p) => `${p.topic}:${p.partition}`}
        cells={(p) => [
          p.topic,
          p.partition,
          p.committed ?? 'none',
          p.end,
          p.lag,
          time(p.oldestUnconsumedAt),
          duration(p.lagSeconds),
        ]}
      />
      <Loading loaded={history}>
        {({ points }) => (
          <LineChart
            label={`Lag of ${group.group}, last 30 minutes`}
            points={points.map((p) => ({ x: Date.parse(p.at), y: p.lag }))}
          />
        )}
      </Loading>
      {group.state === 'Empty' ? (
        <OffsetReset group={group.group} topics={[...new Set(group.partitions.map((p) => p.topic))]} />
      ) : (
        <p class="muted">Offsets can be reset while the group has no members (it is {group.state}).</p>
      )}
    </>
  );
}

function lastCommit(group: GroupLag): string {
  if (group.lastCommitAt === null) return 'not since the console started watching';
  return `${duration(group.lastCommitAgeSeconds)} ago`;
}
