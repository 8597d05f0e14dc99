// The benchmarks sign in like any client: customers sign up (each places orders as itself), the
// operator signs in with the stack's account to stock the catalog. Tokens are refreshed as they
// near their end, so a long run never sends an expired one.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { devOperatorAccount } from '@microshop/platform/pure';

export interface Caller {
  /** The token's subject: the customer's id, or the operator account's. */
  id: string;
  /** `Bearer …`, refreshed first when the access token is nearly spent. */
  authorization(): Promise<string>;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

async function post(gateway: string, path: string, body: unknown): Promise<{ status: number; json: Tokens }> {
  const response = await fetch(`${gateway}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Tokens };
}

function callerOf(gateway: string, tokens: Tokens): Caller {
  let current = tokens;
  let expiresAt = Date.now() + tokens.expiresIn * 1000;
  const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1] ?? '', 'base64url').toString());
  return {
    id: String(claims.sub),
    authorization: async () => {
      if (expiresAt - Date.now() < 60_000) {
        const answer = await post(gateway, '/api/v1/auth/refresh', { refreshToken: current.refreshToken });
        if (answer.status !== 200) throw new Error(`refreshing a bench token: ${answer.status}`);
        current = answer.json;
        expiresAt = Date.now() + current.expiresIn * 1000;
      }
      return `Bearer ${current.accessToken}`;
    },
  };
}

export async function signInOperator(gateway: string): Promise<Caller> {
  const answer = await post(gateway, '/api/v1/auth/sign-in', devOperatorAccount);
  if (answer.status !== 200) throw new Error(`signing the operator in: ${answer.status}`);
  return callerOf(gateway, answer.json);
}

/** `count` new customers, signed up `concurrency` at a time. */
export async function signUpCustomers(gateway: string, count: number, concurrency = 8): Promise<Caller[]> {
  const customers: Caller[] = [];
  const signUp = async (i: number) => {
    const email = `bench-${randomUUID()}@bench.microshop.test`;
    const body = { name: `Bench ${i}`, email, password: `pw-${email}` };
    // A stack just started may still answer 503 for a moment (a part not ready yet): asked again, as
    // a client would; the same email and password answer the same customer.
    for (let attempt = 1; ; attempt++) {
      const answer = await post(gateway, '/api/v1/auth/register', body);
      if (answer.status === 201) {
        customers.push(callerOf(gateway, answer.json));
        return;
      }
      if (answer.status !== 503 || attempt === 10) {
        throw new Error(`signing a bench customer up: ${answer.status}`);
      }
      await sleep(500 * attempt);
    }
  };
  for (let start = 0; start < count; start += concurrency) {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count - start) }, (_, i) => signUp(start + i)),
    );
  }
  return customers;
}
