// The authorization matrix: every route of the merged OpenAPI (and the gateway's own operator routes)
// called through the gateway as {anonymous, customer A, customer B, operator}, path parameters filled
// with resources A owns, each answer checked against the route's declared x-access. A route that
// declares nothing fails. B is also asked about fresh random ids: for A's resources B must get exactly
// what a resource that does not exist gets, and never anything of A's. Serial: it cancels, restocks
// and empties the shared mailbox, which the files running beside it would see.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import { devOperatorAccount } from '@microshop/platform/pure';
import {
  type Access,
  bodyOf,
  type Fixtures,
  fixtures,
  type Operation,
  operationsOf,
  pathOf,
  placeDoomedOrder,
} from './lib/access-matrix.ts';
import { type ApiResponse, api, type Caller } from './lib/api.ts';

type Who = 'anonymous' | 'a' | 'b' | 'bRandom' | 'operator';
type Answers = Record<Who, ApiResponse<unknown>>;

/** The gateway's own routes, which no service document lists. */
const gatewayOwn: Operation[] = [
  { method: 'GET', template: '/metrics', access: 'operator', requiredQuery: [] },
  { method: 'GET', template: '/api/v1/_gateway/upstreams', access: 'operator', requiredQuery: [] },
];

let operations: Operation[] = [];
let f: Fixtures;

before(async () => {
  const document = await api<{
    paths: Parameters<typeof operationsOf>[0]['paths'];
    'x-microshop-services': { unavailable: string[] };
  }>('GET', '/api/openapi.json', { as: 'anonymous' });
  assert.equal(document.status, 200);
  assert.deepEqual(document.body['x-microshop-services'].unavailable, [], 'every service is in the document');
  operations = [...operationsOf(document.body), ...gatewayOwn];
  f = await fixtures(devOperatorAccount);
});

/** Reads first, then changes; emptying the mailbox last of all. */
function walkOrder(operation: Operation): number {
  if (operation.method === 'DELETE') return 2;
  return operation.method === 'GET' ? 0 : 1;
}

async function call(operation: Operation, who: Who): Promise<ApiResponse<unknown>> {
  const callers: Record<Who, Caller> = {
    anonymous: 'anonymous',
    a: f.a.session,
    b: f.b,
    bRandom: f.b,
    operator: f.operator,
  };
  const as = callers[who];
  const body = await bodyOf(operation, f, as);
  const path = pathOf(operation, f, who === 'bRandom');
  return api(operation.method, path, { as, ...(body === undefined ? {} : { body }) });
}

/** What a caller learns from an answer, its request id and the ids it names left out. */
function comparable(answer: ApiResponse<unknown>): unknown {
  const text = JSON.stringify(answer.body ?? null)
    .replace(/"instance":"[^"]*"/g, '"instance":""')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
  return { status: answer.status, body: text };
}

/**
 * `through`: past the access check (not 401, not 403); `served`: answered with A's resource (2xx);
 * `as if missing`: exactly what B gets for ids that do not exist.
 */
type Expectation = 401 | 403 | 'through' | 'served' | 'as if missing';

/** What each caller must be answered, per declaration ('public': a token changes nothing). */
const expectations: Record<Exclude<Access, 'public'>, Partial<Record<Who, Expectation>>> = {
  'signed-in': { anonymous: 401, a: 'through', b: 'through', operator: 'through' },
  customer: { anonymous: 401, a: 'through', b: 'through', operator: 403 },
  operator: { anonymous: 401, a: 403, b: 403, operator: 'through' },
  owner: { anonymous: 401, a: 'served', b: 'as if missing', operator: 'served' },
};

function check(operation: Operation, answers: Answers, label: string): void {
  const access = operation.access as Access;
  const told = (who: Who) => `${label}: ${who} → ${answers[who].status} ${JSON.stringify(answers[who].body)}`;
  for (const who of Object.keys(answers) as Who[]) assert.ok(answers[who].status < 500, told(who));
  if (access === 'public') {
    assert.equal(answers.anonymous.status, answers.operator.status, `${label}: a token changes nothing`);
    return;
  }
  for (const [who, expected] of Object.entries(expectations[access]) as [Who, Expectation][]) {
    const answer = answers[who];
    if (expected === 'served') assert.ok(answer.status >= 200 && answer.status < 300, told(who));
    else if (expected === 'through') assert.ok(![401, 403].includes(answer.status), told(who));
    else if (expected === 'as if missing') {
      assert.deepEqual(comparable(answer), comparable(answers.bRandom), `${label}: B learns nothing`);
      assertNoLeak(answer, pathOf(operation, f, false), label);
    } else assert.equal(answer.status, expected, told(who));
  }
}

/** Nothing of A's in what B was told, but what B itself sent in the path. */
function assertNoLeak(answer: ApiResponse<unknown>, path: string, label: string): void {
  const text = JSON.stringify(answer.body ?? '');
  const secrets = [f.orderId, f.doomedOrderId, f.shipmentId, f.a.customer.id, f.a.customer.email];
  for (const secret of secrets.filter((value) => value !== '' && !path.includes(value))) {
    assert.ok(!text.includes(secret), `${label}: B is told ${secret}`);
  }
}

describe('the authorization matrix', () => {
  it('every route of the merged document declares who may call it', () => {
    const undeclared = operations.filter((operation) => operation.access === undefined);
    assert.deepEqual(
      undeclared.map((operation) => `${operation.method} ${operation.template}`),
      [],
    );
    assert.ok(operations.length > 25, `${operations.length} routes walked`);
  });

  it('docs/security.md lists every route of the document with its declaration, and no other', async () => {
    const text = await readFile(new URL('../docs/security.md', import.meta.url), 'utf8');
    const table = text.slice(text.indexOf('<!-- route table'), text.indexOf('<!-- end of route table'));
    const documented = [...table.matchAll(/^\| `(\w+) ([^`]+)` \| ([\w-]+) \|$/gm)].map((row) =>
      row.slice(1).join(' '),
    );
    const declared = operations
      .filter((operation) => !gatewayOwn.includes(operation))
      .map((operation) => `${operation.method} ${operation.template} ${operation.access}`);
    assert.deepEqual([...documented].sort(), [...declared].sort());
  });

  it('every route answers anonymous, customer A, customer B and the operator as it declares, and B learns nothing of A', async () => {
    const walk = [...operations].sort((x, y) => walkOrder(x) - walkOrder(y));
    for (const operation of walk) {
      const label = `${operation.method} ${operation.template} (${operation.access})`;
      if (operation.template === '/api/v1/orders/{id}/cancel') await placeDoomedOrder(f);
      const answers = {} as Answers;
      for (const who of ['anonymous', 'b', 'bRandom', 'a', 'operator'] as const) {
        answers[who] = await call(operation, who);
      }
      check(operation, answers, label);
    }
  });
});
