// Web pages: first load of each page in chromium; one page of 100 records from a topic of a million
// through the console's API; and how soon the order page shows a status change after its event is on
// Kafka. On its own stack (the test stack's ports, data under .local/bench/).
import { loadavg } from 'node:os';
import { launchBrowser } from '../infra/src/browser.ts';
import { bootstrapServers, gatewayUrl, type StackSettings } from '../infra/src/settings.ts';
import { type Caller, signInOperator } from './lib/auth.ts';
import { produceRecords } from './lib/million.ts';
import { machine, table, writeSection } from './lib/report.ts';
import { withBenchStack } from './lib/stack.ts';
import { firstLoads, type Stats, stats, statusLag } from './lib/web-pages.ts';

const records = Number(process.env.BENCH_WEB_RECORDS ?? 1_000_000);
const samples = Number(process.env.BENCH_WEB_SAMPLES ?? 40);
const ms = (x: number) => x.toFixed(0);

/** Pages of 100 at random places: by offset in one partition, by cursor over all, by time. */
async function browsePages(settings: StackSettings, operator: Caller, topic: string, produceMs: number) {
  const gateway = gatewayUrl(settings);
  const ask = async (query: string) => {
    const started = performance.now();
    const response = await fetch(`${gateway}/api/v1/ops/kafka/topics/${topic}/messages?limit=100&${query}`, {
      headers: { authorization: await operator.authorization() },
    });
    const body = (await response.json()) as { records: unknown[] };
    if (response.status !== 200 || body.records.length !== 100) throw new Error(`page → ${response.status}`);
    return performance.now() - started;
  };
  const perPartition = Math.floor(records / 3);
  const spot = () => Math.floor(Math.random() * (perPartition - 200));
  const byOffset: number[] = [];
  const byCursor: number[] = [];
  const byTime: number[] = [];
  const now = Date.now();
  for (let i = 0; i < samples; i++) {
    byOffset.push(await ask(`partition=${i % 3}&seek=offset&offset=${spot()}`));
    byCursor.push(await ask(`cursor=0:${spot()},1:${spot()},2:${spot()}`));
    const at = new Date(now - produceMs * Math.random()).toISOString();
    byTime.push(await ask(`seek=time&time=${encodeURIComponent(at)}`));
  }
  return { byOffset: stats(byOffset), byCursor: stats(byCursor), byTime: stats(byTime) };
}

export async function web(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const result = await withBenchStack(async (settings) => {
    const gateway = gatewayUrl(settings);
    const topic = 'bench.web-million';
    const produceMs = await produceRecords(bootstrapServers(settings), topic, records);
    console.log(`  ${records} records produced in ${ms(produceMs)} ms`);
    const operator = await signInOperator(gateway);
    const pages = await browsePages(settings, operator, topic, produceMs);
    const browser = await launchBrowser(gateway);
    try {
      const loads = await firstLoads(browser, operator);
      const lag = await statusLag(browser, gateway, operator);
      return { pages, loads, lag, produceMs };
    } finally {
      await browser.close();
    }
  });
  report({ ...result, load: [loadBefore, loadavg()[0] ?? 0] });
}

interface WebFigures {
  pages: { byOffset: Stats; byCursor: Stats; byTime: Stats };
  loads: { page: string; stats: Stats }[];
  lag: { orders: number; stats: Stats; fromChange: Stats };
  produceMs: number;
  /** The machine's 1-minute load average before and after: the figures mean little on a crowded box. */
  load: [number, number];
}

function report(r: WebFigures): void {
  const row = (name: string, s: Stats, goal: string) => [name, s.n, ms(s.p50), ms(s.p95), ms(s.max), goal];
  const header = ['what', 'n', 'p50 ms', 'p95 ms', 'max ms', 'goal'];
  const markdown = `### Web: first loads, a page of a million-record topic, live order status

\`npm run bench -- web\`, ${new Date().toISOString().slice(0, 10)}, ${machine()}; Debian chromium (headless)
through playwright-core, on a fresh bench stack with every service running; load average ${r.load[0].toFixed(1)} before,
${r.load[1].toFixed(1)} after (on 2 cores: anything far above 2 means other work was competing for them).

First load of each page: a new browser context (empty cache), from navigation until the page's content
is drawn (the catalog's products, the console's topic table): HTML, scripts and the API calls behind it.

${table(
  header,
  r.loads.map((l) => row(l.page, l.stats, '< 1000')),
)}

One page of 100 records from a topic of ${records.toLocaleString('en')} records in 3 partitions (produced in
${(r.produceMs / 1000).toFixed(0)} s during setup), through the gateway and the operations service, at random
places: by offset in one partition, by a cursor over every partition (merged by time), by timestamp.

${table(header, [
  row('by offset', r.pages.byOffset, '< 300'),
  row('by cursor (3 partitions)', r.pages.byCursor, '< 300'),
  row('by time', r.pages.byTime, '< 300'),
])}

Order page: the time from a status event's record timestamp on \`microshop.order-outbox\` to the page
drawing that status (a MutationObserver in the page), over ${r.lag.orders} orders, every status after
CREATED. The page is fed by the orders service's LISTEN at commit, while the event reaches Kafka through
the outbox and Debezium after that commit: a negative figure is the page showing the change before its
event was on Kafka.

${table(header, [
  row('status change shown − event on Kafka', r.lag.stats, '< 200'),
  row('status change shown − the change in the orders service (its time)', r.lag.fromChange, '—'),
])}
`;
  writeSection('benchmarks.md', 'web', markdown);
  console.log(markdown);
}
