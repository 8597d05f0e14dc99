import { useEffect, useState } from 'preact/hooks';
import { get } from '../../common/api.ts';
import { navigate, useLocation } from '../../common/router.ts';
import { Field, Loading, time, useLoad } from '../../common/ui.tsx';
import { OrderTrace } from './trace.tsx';

// An order's flow: every event about it on every topic (the operations service indexes them as they
// pass), in time order, with the service that wrote it, the time since the previous hop, redriven
// copies and dead letters in red, and a link to each record in the topic browser.

interface FlowEvent {
  topic: string;
  partition: number;
  offset: string;
  at: string;
  type: string | null;
  service: string | null;
  traceId: string | null;
  redriveId: string | null;
}
interface FlowDeadLetter {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  group: string;
  service: string;
  error: string;
  attempts: number;
  status: string;
  lastFailedAt: string;
}
interface Flow {
  orderId: string;
  events: FlowEvent[];
  deadLetters: FlowDeadLetter[];
}

const finalTypes = new Set(['OrderDelivered', 'OrderFailed', 'OrderCancelled']);

export function OrderFlow() {
  const { params } = useLocation();
  const id = params.get('order') ?? '';
  const [input, setInput] = useState(id);
  return (
    <>
      <h1>Order flow</h1>
      <form
        class="row card"
        aria-label="Find an order"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(`/console/flow?order=${encodeURIComponent(input.trim())}`);
        }}
      >
        <Field label="Order id" name="orderId" value={input} onInput={setInput} />
        <button type="submit">Show its flow</button>
      </form>
      {id !== '' && <FlowView id={id} />}
    </>
  );
}

function FlowView({ id }: { id: string }) {
  const [tick, setTick] = useState(0);
  const flow = useLoad(() => get<Flow>(`/api/v1/ops/order-flow/${encodeURIComponent(id)}`), [id, tick]);
  const finished = flow.value?.events.some((event) => finalTypes.has(event.type ?? '')) ?? false;
  useEffect(() => {
    // While the order is under way the page follows it (the index fills as events pass).
    if (finished) return;
    const timer = setTimeout(() => setTick((value) => value + 1), 3_000);
    return () => clearTimeout(timer);
  }, [finished, tick]);
  return (
    <Loading loaded={flow}>
      {(value) => (
        <>
          <p role="status">
            {value.events.length} events on {new Set(value.events.map((e) => e.topic)).size} topics
            {finished ? '' : ' · following'}
          </p>
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th>Time</th>
                  <th>+ms</th>
                  <th>Event</th>
                  <th>Service</th>
                  <th>Topic</th>
                  <th>Trace</th>
                </tr>
              </thead>
              <tbody>
                {value.events.map((event, index) => {
                  const previous = value.events[index - 1];
                  const hop = previous ? Date.parse(event.at) - Date.parse(previous.at) : 0;
                  const bad = event.topic.endsWith('dead-letter') || /Failed|Rejected/.test(event.type ?? '');
                  return (
                    <tr
                      key={`${event.topic}:${event.partition}:${event.offset}`}
                      data-testid="flow-event"
                      style={bad ? 'color:#b3261e' : ''}
                    >
                      <td>{time(event.at)}</td>
                      <td>{index === 0 ? '' : `+${hop}`}</td>
                      <td>
                        {event.type ?? '—'}
                        {event.redriveId && <div class="muted">redriven copy</div>}
                      </td>
                      <td>{event.service ?? '—'}</td>
                      <td>
                        <a
                          href={`/console/topics/${encodeURIComponent(event.topic)}?partition=${event.partition}&seek=offset&offset=${event.offset}`}
                        >
                          {event.topic} {event.partition}:{event.offset}
                        </a>
                      </td>
                      <td>
                        <code>{event.traceId?.slice(0, 8) ?? '—'}</code>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {value.deadLetters.length > 0 && (
            <section class="card error" aria-labelledby="flow-dl">
              <h2 id="flow-dl">Dead letters</h2>
              <ul>
                {value.deadLetters.map((dl) => (
                  <li key={dl.id}>
                    {dl.group} ({dl.service}) on {dl.topic} {dl.partition}:{dl.offset}: {dl.error} —{' '}
                    {dl.attempts} attempts, {dl.status}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <OrderTrace orderId={id} />
        </>
      )}
    </Loading>
  );
}
