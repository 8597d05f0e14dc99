import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from '../../common/api.ts';
import { ago, Loading, Table, time, useLoad } from '../../common/ui.tsx';
import { LineChart } from '../chart.tsx';

// Consumer groups with their lag per topic and partition, from the operations service's sampler
// (it samples every few seconds; the page asks again every 5 s), and a chart of a group's lag over
// time from the samples it keeps in PostgreSQL.

interface GroupLag {
  group: string;
  state: string;
  totalLag: number;
  partitions: { topic: string; partition: number; committed: string | null; end: string; lag: string }[];
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
                          <td colSpan={4}>
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
        head={['Topic', 'Partition', 'Committed', 'End', 'Lag']}
        rows={group.partitions}
        rowKey={(p) => `${p.topic}:${p.partition}`}
        cells={(p) => [p.topic, p.partition, p.committed ?? 'none', p.end, p.lag]}
      />
      <Loading loaded={history}>
        {({ points }) => (
          <LineChart
            label={`Lag of ${group.group}, last 30 minutes`}
            points={points.map((p) => ({ x: Date.parse(p.at), y: p.lag }))}
          />
        )}
      </Loading>
    </>
  );
}
