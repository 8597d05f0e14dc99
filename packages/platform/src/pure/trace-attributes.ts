/**
 * The span attributes the kit writes and the operations service's span store reads: which service
 * made a span (several share a process in the hosted layout), its instance, and the order it acted on.
 */
export const traceAttributes = {
  service: 'microshop.service',
  instance: 'microshop.instance',
  orderId: 'microshop.order_id',
} as const;
