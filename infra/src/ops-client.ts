// The operator API of the stack (through its gateway), for the command-line tools: signs in as the
// operator and calls /api/v1/ops/…. The token: MICROSHOP_TOKEN if set; else a sign-in with
// MICROSHOP_OPERATOR_EMAIL / MICROSHOP_OPERATOR_PASSWORD (in the dev profile they default to the dev
// operator account, docs/product.md); a stack without sign-in (no identity service) is called without one.
import { gatewayUrl, type StackSettings } from './settings.ts';

export interface OpsClient {
  call<T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}

/** A dead letter as `GET /api/v1/ops/dead-letters` lists it (the fields the tools read). */
export interface DeadLetterSummary {
  id: string;
  status: string;
  group: string;
  origin: { topic: string; partition: number; offset: string };
  code: string;
  error: string;
  failures: number;
  redriveCount: number;
  lastFailedAt: string;
}

const devOperator = { email: 'operator@microshop.local', password: 'operator-dev-password' };

export async function opsClient(settings: StackSettings): Promise<OpsClient> {
  const base = process.env.MICROSHOP_GATEWAY_URL ?? gatewayUrl(settings);
  const token = process.env.MICROSHOP_TOKEN ?? (await signIn(base, settings));
  return {
    async call(method, path, body) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      const answer = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      if (!response.ok)
        throw new Error(`${method} ${path}: ${response.status} ${String(answer.detail ?? text)}`);
      return answer as never;
    },
  };
}

async function signIn(base: string, settings: StackSettings): Promise<string | undefined> {
  const fallback = settings.profile === 'dev' ? devOperator : undefined;
  const email = process.env.MICROSHOP_OPERATOR_EMAIL ?? fallback?.email;
  const password = process.env.MICROSHOP_OPERATOR_PASSWORD ?? fallback?.password;
  if (email === undefined || password === undefined) return undefined; // a 401 will say what to set
  const response = await fetch(`${base}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 404) return undefined; // this stack has no sign-in: its API is open
  if (!response.ok) throw new Error(`signing in as ${email}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}
