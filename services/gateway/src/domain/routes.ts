/**
 * The gateway's route table: which service answers which `/api/v1/*` path. Pure data and one
 * matching function, so the whole routing decision is unit-tested without a socket.
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
  'operations',
] as const;

export type ServiceName = (typeof serviceNames)[number];

export const apiPrefix = '/api/v1/';

/** A segment `*` matches any one non-empty segment; `exact: false` also matches longer paths. */
export interface RouteRule {
  segments: readonly string[];
  exact: boolean;
  service: ServiceName;
}

export const routeTable: readonly RouteRule[] = [
  { segments: ['orders', '*', 'timeline'], exact: true, service: 'order-background' },
  { segments: ['customers', '*', 'orders'], exact: true, service: 'order-background' },
  { segments: ['orders'], exact: false, service: 'orders' },
  { segments: ['customers'], exact: false, service: 'customers' },
  { segments: ['products'], exact: false, service: 'inventory' },
  { segments: ['payments'], exact: false, service: 'payments' },
  { segments: ['shipments'], exact: false, service: 'shipments' },
  { segments: ['notifications'], exact: false, service: 'notifications' },
  { segments: ['attention'], exact: false, service: 'order-background' },
  { segments: ['ops'], exact: false, service: 'operations' },
];

/** The service that answers `pathname` (no query string), or undefined when none does. */
export function matchRoute(
  pathname: string,
  table: readonly RouteRule[] = routeTable,
): ServiceName | undefined {
  const segments = apiSegments(pathname);
  if (segments === undefined) return undefined;
  return table.find((rule) => ruleMatches(rule, segments))?.service;
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
