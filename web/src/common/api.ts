import { accessToken } from './session.ts';

// Every call of the pages goes through here: same origin (the gateway), the session's bearer token,
// JSON in and out, and a failure always an ApiError carrying the server's problem+json (its field
// errors are shown next to the form fields they name).

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export interface Problem {
  status: number;
  title: string;
  detail: string;
  code?: string;
  instance?: string;
  errors: FieldError[];
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.problem = problem;
  }
  /** The message of the first error about `field` (a path like `items[0].quantity`), if any. */
  fieldError(field: string): string | undefined {
    return this.problem.errors.find((error) => error.field === field)?.message;
  }
}

export type Json = Record<string, unknown>;

export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = await accessToken();
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (error) {
    // Cancelled by the page (a scan the operator stopped): not a lost connection.
    if (signal?.aborted) throw error;
    throw new ApiError({
      status: 0,
      title: 'Connection lost',
      detail: 'The shop cannot be reached.',
      errors: [],
    });
  }
  const text = await response.text();
  const parsed = text.length > 0 ? safeJson(text) : undefined;
  if (!response.ok) throw new ApiError(problemOf(response, parsed));
  return parsed as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, undefined, signal);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function problemOf(response: Response, body: unknown): Problem {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Partial<Problem>;
  return {
    status: response.status,
    title: problem.title ?? response.statusText,
    detail: problem.detail ?? (typeof body === 'string' ? body : response.statusText),
    errors: Array.isArray(problem.errors) ? problem.errors : [],
    ...(problem.code === undefined ? {} : { code: problem.code }),
    ...(problem.instance === undefined ? {} : { instance: problem.instance }),
  };
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text.length > 0 ? `?${text}` : '';
}
