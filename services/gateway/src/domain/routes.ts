/**
 * The gateway's route table: which service answers which `/api/v1/*` path, and the paths the gateway
 * itself opens to operators only (the operator views and the mail sink: every service guards its own
 * routes too). Pure data and matching functions, so the whole routing decision is unit-tested without
 * a socket.
 *
 * Order matters: the two order-background routes are more specific than the `orders` and
 * `customers` prefixes that would otherwise swallow them, so they come first.
 */

export const serviceNames = [
  'orders',
  'order-background',
  'customers',
  'inventory',
  'payments',
  'shipments',
  'notifications',
  'fraud',
  'validation-aggregator',
  'mail-sink',
  'operations',
] as const;

export type ServiceName = (typeof serviceNames)[number];

export const apiPrefix = '/api/v1/';

/** A segment `*` matches any one non-empty segment; `exact: false` also matches longer paths. */
export interface RouteRule {
  segments: readonly string[];
  exact: boolean;
  service: ServiceName;
  /** The gateway lets only operators through (the service checks again). */
  operatorsOnly?: true;
}

export const routeTable: readonly RouteRule[] = [
  { segments: ['orders', '*', 'timeline'], exact: true, service: 'order-background' },
  { segments: ['customers', '*', 'orders'], exact: true, service: 'order-background' },
  { segments: ['orders'], exact: false, service: 'orders' },
  { segments: ['customers'], exact: false, service: 'customers' },
  { segments: ['auth'], exact: false, service: 'customers' },
  { segments: ['products'], exact: false, service: 'inventory' },
  { segments: ['payments'], exact: false, service: 'payments' },
  { segments: ['shipments'], exact: false, service: 'shipments' },
  { segments: ['notifications'], exact: false, service: 'notifications' },
  { segments: ['fraud'], exact: false, service: 'fraud', operatorsOnly: true },
  { segments: ['validations'], exact: false, service: 'validation-aggregator', operatorsOnly: true },
  { segments: ['mail'], exact: false, service: 'mail-sink', operatorsOnly: true },
  { segments: ['attention'], exact: false, service: 'order-background', operatorsOnly: true },
  { segments: ['order-stats'], exact: true, service: 'order-background', operatorsOnly: true },
  { segments: ['ops'], exact: false, service: 'operations', operatorsOnly: true },
];

/** The rule that answers `pathname` (no query string), or undefined when none does. */
export function findRoute(pathname: string, table: readonly RouteRule[] = routeTable): RouteRule | undefined {
  const segments = apiSegments(pathname);
  if (segments === undefined) return undefined;
  return table.find((rule) => ruleMatches(rule, segments));
}

/** The service that answers `pathname`, or undefined when none does. */
export function matchRoute(pathname: string, table?: readonly RouteRule[]): ServiceName | undefined {
  return findRoute(pathname, table)?.service;
}

/**
 * Rate limits are per route group: signing in and up (guessable passwords: tight, per address),
 * changes (writes), and reads.
 */
export const routeGroups = ['auth', 'write', 'read'] as const;
export type RouteGroup = (typeof routeGroups)[number];

export function routeGroup(method: string, pathname: string): RouteGroup {
  if (apiSegments(pathname)?.[0] === 'auth') return 'auth';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

/** The path below `/api/v1/` split into segments; a trailing slash is ignored. */
function apiSegments(pathname: string): string[] | undefined {
  if (!pathname.startsWith(apiPrefix)) return undefined;
  const segments = pathname.slice(apiPrefix.length).split('/');
  if (segments.at(-1) === '') segments.pop();
  return segments;
}

function ruleMatches(rule: RouteRule, segments: readonly string[]): boolean {
  if (segments.length < rule.segments.length) return false;
  if (rule.exact && segments.length !== rule.segments.length) return false;
  return rule.segments.every((expected, i) => {
    const actual = segments[i] ?? '';
    return expected === '*' ? actual !== '' : actual === expected;
  });
}
