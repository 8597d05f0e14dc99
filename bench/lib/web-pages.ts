// The browser side of the web benchmark: first loads of the pages in fresh contexts, and the delay
// between a status event landing on Kafka and the order page drawing that status.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { WebBrowser } from '../../infra/src/browser.ts';
import type { Caller } from './auth.ts';
import { percentile } from './load.ts';

export interface Stats {
  p50: number;
  p95: number;
  max: number;
  n: number;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? 0,
    n: sorted.length,
  };
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** The session the pages keep in sessionStorage, put there before the page's scripts run. */
async function signedInPage(browser: WebBrowser, tokens: Tokens): Promise<Page> {
  const page = await browser.newPage();
  const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1] ?? '', 'base64url').toString());
  const session = {
    subject: claims.sub,
    name: '',
    roles: claims.roles ?? [],
    ...tokens,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
  };
  await page
    .context()
    .addInitScript((value) => sessionStorage.setItem('microshop.session', value), JSON.stringify(session));
  return page;
}

const runs = 5;

/** Each page `runs` times, each in a new context: from navigation until its content is drawn. */
export async function firstLoads(
  browser: WebBrowser,
  operator: Caller,
): Promise<{ page: string; stats: Stats }[]> {
  const operatorTokens = {
    accessToken: (await operator.authorization()).slice('Bearer '.length),
    refreshToken: '',
    expiresIn: 300,
  };
  const pages: [string, Tokens | null, (page: Page) => Promise<unknown>][] = [
    ['/', null, (p) => p.locator('li.card h2').first().waitFor()],
    ['/sign-up', null, (p) => p.getByLabel('Name').waitFor()],
    ['/cart', null, (p) => p.getByRole('heading', { name: 'Cart' }).waitFor()],
    [
      '/console/topics',
      operatorTokens,
      (p) => p.getByRole('link', { name: 'microshop.order-outbox' }).waitFor(),
    ],
    ['/console/groups', operatorTokens, (p) => p.getByTestId('group-row').first().waitFor()],
    ['/console/connect', operatorTokens, (p) => p.getByText('Replication slots').waitFor()],
    ['/console/dead-letters', operatorTokens, (p) => p.getByText(/\d+ open/).waitFor()],
    ['/console/shop', operatorTokens, (p) => p.locator('table td').first().waitFor()],
  ];
  const results: { page: string; stats: Stats }[] = [];
  for (const [path, tokens, ready] of pages) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = tokens === null ? await browser.newPage() : await signedInPage(browser, tokens);
      const started = performance.now();
      await page.goto(path);
      await ready(page);
      times.push(performance.now() - started);
      await page.context().close();
    }
    results.push({ page: path, stats: stats(times) });
  }
  return results;
}

const statusOfEvent: Record<string, string> = {
  OrderValidated: 'VALIDATED',
  OrderApproved: 'APPROVED',
  OrderShipped: 'SHIPPED',
  OrderDelivered: 'DELIVERED',
};

async function json<T>(
  gateway: string,
  method: string,
  path: string,
  body: unknown,
  authorization?: string,
): Promise<T> {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Runs in the page: every status the order page draws, with the time it was drawn. */
const recordStatusChanges = `
  window.seen = [];
  new MutationObserver(() => {
    const status = document.querySelector('[data-testid=order-status]')?.textContent ?? '';
    if (status !== '' && window.seen.at(-1)?.status !== status) window.seen.push({ status, at: Date.now() });
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

/** Orders placed with a slow card (the page is open before most changes), watched on the order page. */
export async function statusLag(browser: WebBrowser, gateway: string, operator: Caller, orders = 10) {
  const sku = `BENCH-WEB-${randomUUID().slice(0, 8).toUpperCase()}`;
  await json(
    gateway,
    'PUT',
    `/api/v1/products/${sku}`,
    { name: 'Bench web', unitPrice: 100, stock: 1_000 },
    await operator.authorization(),
  );
  const afterKafka: number[] = [];
  const afterChange: number[] = [];
  for (let i = 0; i < orders; i++) {
    const measured = await oneOrder(browser, gateway, operator, sku);
    afterKafka.push(...measured.afterKafka);
    afterChange.push(...measured.afterChange);
  }
  return { orders, stats: stats(afterKafka), fromChange: stats(afterChange) };
}

async function oneOrder(
  browser: WebBrowser,
  gateway: string,
  operator: Caller,
  sku: string,
): Promise<{ afterKafka: number[]; afterChange: number[] }> {
  const email = `bench-web-${randomUUID()}@bench.microshop.test`;
  const tokens = await json<Tokens>(gateway, 'POST', '/api/v1/auth/register', {
    name: 'Bench',
    email,
    password: `pw-${email}`,
  });
  const page = await signedInPage(browser, tokens);
  await page.context().addInitScript({ content: recordStatusChanges });

  const order = await json<{ id: string }>(
    gateway,
    'POST',
    '/api/v1/orders',
    {
      items: [{ sku, quantity: 1, unitPrice: 100 }],
      currency: 'EUR',
      payment: { token: 'tok_slow' },
    },
    `Bearer ${tokens.accessToken}`,
  );
  await page.goto(`/orders/${order.id}`);
  await page.getByTestId('order-status').getByText('DELIVERED').waitFor({ timeout: 60_000 });
  const seen = (await page.evaluate('window.seen')) as { status: string; at: number }[];
  await page.context().close();
  const flow = await json<{ events: { topic: string; type: string; at: string }[] }>(
    gateway,
    'GET',
    `/api/v1/ops/order-flow/${order.id}`,
    undefined,
    await operator.authorization(),
  );
  const { timeline } = await json<{ timeline: { status: string; at: string }[] }>(
    gateway,
    'GET',
    `/api/v1/orders/${order.id}/timeline`,
    undefined,
    `Bearer ${tokens.accessToken}`,
  );
  // The first status drawn was read at load, not seen changing: it measures nothing.
  const changes = seen.slice(1);
  const since = (at: number, iso: string | undefined) => (iso === undefined ? [] : [at - Date.parse(iso)]);
  return {
    afterKafka: changes.flatMap(({ status, at }) =>
      since(
        at,
        flow.events.find((e) => e.topic === 'microshop.order-outbox' && statusOfEvent[e.type] === status)?.at,
      ),
    ),
    afterChange: changes.flatMap(({ status, at }) =>
      since(at, timeline.find((e) => e.status === status)?.at),
    ),
  };
}
