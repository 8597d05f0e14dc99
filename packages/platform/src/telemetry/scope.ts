import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { traceAttributes } from '../pure/trace-attributes.ts';

/**
 * Which service made a span. In the `hosted` layout a dozen services share one process and so one
 * tracer provider, whose resource can name only the process. Each service's parts are started inside
 * `inService` (the kit does it in startDefinition), so every callback they later run — a request, a
 * consumed record, a periodic pass — carries the service in its async context, and the span processor
 * below writes it on every span as `microshop.service` (and the instance as `microshop.instance`).
 * Alone, the resource's `service.name` says the same thing.
 */
export interface ServiceScope {
  service: string;
  instance: string;
}

const scope = new AsyncLocalStorage<ServiceScope>();

/** Runs `start` (and everything it schedules) as `service`'s work. */
export function inService<T>(service: ServiceScope, start: () => T): T {
  return scope.run(service, start);
}

/** The service whose work is running now, if any. */
export function currentService(): ServiceScope | undefined {
  return scope.getStore();
}

/** Names the service (and instance) on every span as it starts. */
export class ServiceAttributeProcessor implements SpanProcessor {
  onStart(span: Span, _parent: Context): void {
    const current = scope.getStore();
    if (current === undefined) return;
    span.setAttribute(traceAttributes.service, current.service);
    span.setAttribute(traceAttributes.instance, current.instance);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
