// The signed-in session of this tab: tokens live in sessionStorage (gone with the tab, never in a
// cookie the server would have to trust), the access token is refreshed a minute before it expires,
// and sign-out revokes the refresh token on the server before forgetting it here.

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface Session {
  subject: string;
  name: string;
  roles: string[];
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
}

type Listener = (session: Session | null) => void;

const storageKey = 'microshop.session';
const listeners = new Set<Listener>();
let current: Session | null = load();
let refreshing: Promise<Session | null> | null = null;

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(storageKey);
    return raw === null ? null : (JSON.parse(raw) as Session);
  } catch {
    return null;
  }
}

function claimsOf(token: string): { sub?: string; roles?: string[]; name?: string } {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(json) as { sub?: string; roles?: string[]; name?: string };
}

export function sessionFrom(tokens: Tokens, name?: string): Session {
  const claims = claimsOf(tokens.accessToken);
  return {
    subject: String(claims.sub ?? ''),
    name: name ?? claims.name ?? '',
    roles: claims.roles ?? [],
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
  };
}

export function currentSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  if (session === null) sessionStorage.removeItem(storageKey);
  else sessionStorage.setItem(storageKey, JSON.stringify(session));
  for (const listener of listeners) listener(session);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isOperatorSession(session: Session | null): boolean {
  return session?.roles.includes('operator') ?? false;
}

/** A valid access token, refreshed first when it is about to expire; null when signed out. */
export async function accessToken(): Promise<string | null> {
  const session = current;
  if (session === null) return null;
  if (session.expiresAt - Date.now() > 60_000) return session.accessToken;
  refreshing ??= refresh(session).finally(() => {
    refreshing = null;
  });
  return (await refreshing)?.accessToken ?? null;
}

async function refresh(session: Session): Promise<Session | null> {
  const response = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: session.refreshToken }),
  });
  if (!response.ok) {
    setSession(null);
    return null;
  }
  const next = sessionFrom((await response.json()) as Tokens, session.name);
  setSession(next);
  return next;
}

/** Revokes the refresh token on the server, then forgets the session (even if the call failed). */
export async function signOut(): Promise<void> {
  const session = current;
  if (session !== null) {
    await fetch('/api/v1/auth/sign-out', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
      body: JSON.stringify({ refreshToken: session.refreshToken }),
    }).catch(() => undefined);
  }
  setSession(null);
}
