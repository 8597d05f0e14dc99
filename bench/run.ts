// npm run bench [-- name …]: runs the named benchmarks (all by default) and writes their figures
// into docs/. Benchmarks measure; tests assert. Nothing here runs in npm test.
import { checkout } from './checkout.ts';
import { cost } from './cost.ts';
import { footprint } from './footprint.ts';
import { ingest } from './ingest.ts';
import { outboxLatency } from './outbox-latency.ts';
import { outboxPipeline } from './outbox-pipeline.ts';
import { profile } from './profile.ts';
import { transaction } from './transaction.ts';
import { validation } from './validation.ts';
import { web } from './web.ts';

const benches: Record<string, () => Promise<void>> = {
  footprint,
  ingest,
  'outbox-latency': outboxLatency,
  'outbox-pipeline': outboxPipeline,
  validation,
  checkout,
  web,
  profile,
  cost,
  transaction,
};

const wanted = process.argv.slice(2);
// `profile`, `cost` and `transaction` are tools, not benchmarks: run only when named.
const tools = new Set(['profile', 'cost', 'transaction']);
const names = wanted.length > 0 ? wanted : Object.keys(benches).filter((name) => !tools.has(name));
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exit(1);
  }
  console.log(`\n=== ${name}`);
  await bench();
}
