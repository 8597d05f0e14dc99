// The whole checkout: POST → SHIPPED (validation, payment through the payment sandbox, approval,
// booking with the carrier sandbox), at a steady 50 orders/s, then stepping the rate up to find the
// highest one the stack sustains without a growing backlog.

import { measureFlow, prepareShop } from './lib/flow.ts';
import { machine, table, writeSection } from './lib/report.ts';
import { withBenchStack } from './lib/stack.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const steps = (process.env.BENCH_CHECKOUT_STEPS ?? '25,50,75,100,150').split(',').map(Number);

export async function checkout(): Promise<void> {
  const rows: (string | number)[][] = [];
  let sustained = 0;
  await withBenchStack(async (s) => {
    const shop = await prepareShop(s, 600);
    for (const rate of steps) {
      const r = await measureFlow(s, shop, { rate, seconds, eventType: 'OrderShipped', drainMs: 10_000 });
      // Kept up: nearly every order shipped within 10 s after the last one was sent.
      const keptUp = r.completionRate >= 0.99 && r.errors === 0;
      if (keptUp) sustained = rate;
      rows.push([
        rate,
        (r.accepted / r.seconds).toFixed(0),
        `${(r.completionRate * 100).toFixed(1)} %`,
        r.latency.p50.toFixed(0),
        r.latency.p99.toFixed(0),
        r.latency.max.toFixed(0),
        keptUp ? 'yes' : 'no',
      ]);
      console.log(
        `${rate}/s: p50 ${r.latency.p50.toFixed(0)} ms, p99 ${r.latency.p99.toFixed(0)} ms, completed ${(r.completionRate * 100).toFixed(1)} %`,
      );
      if (!keptUp) break;
    }
  });
  writeSection(
    'benchmarks.md',
    'checkout',
    `### Checkout: POST → SHIPPED

\`npm run bench -- checkout\`, ${new Date().toISOString().slice(0, 10)}, ${machine()}. Every service running (two orders instances,
the validators, aggregator, payments with the payment sandbox, shipments with the carrier sandbox, notifications with the
mail sink, order-background, the gateway) on the same two cores as Kafka, Connect and PostgreSQL. Open loop, ${seconds} s per
step, \`tok_visa\` payments, 600 registered customers round robin. Latency from sending the POST to the \`OrderShipped\`
status event on \`microshop.order-outbox\`. A step "kept up" when ≥ 99 % of its orders shipped within 10 s after the step
ended and no request failed; the steps stop at the first that did not.

${table(['offered orders/s', 'accepted/s', 'shipped', 'p50 ms', 'p99 ms', 'max ms', 'kept up'], rows)}

Highest sustained rate measured: **${sustained} orders/s**.`,
  );
}
