/**
 * The environment variable that lists a service's instances (`UPSTREAM_ORDER_BACKGROUND` for
 * `order-background`): the stack runner sets it, the gateway and health probes read it.
 */
export function upstreamVariable(service: string): string {
  return `UPSTREAM_${service.toUpperCase().replaceAll('-', '_')}`;
}
