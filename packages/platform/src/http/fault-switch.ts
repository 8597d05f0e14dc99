import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HttpApp } from './app.ts';
import { problemDetailsSchema } from './problem.ts';

/**
 * An outage an operator switches on and off while the service runs, so a chaos run can take the
 * outside world away without losing what it keeps: the sandboxes (payment provider, carrier) and the
 * mail sink each hold one. `registerFaultRoutes` gives it an operator-only API:
 *
 *   GET    <path>                          → {active, fault, since, until}
 *   PUT    <path>  {fault, durationMs?}    → starts (or replaces) the outage; it ends by itself after durationMs
 *   DELETE <path>                          → ends it
 *
 * Only the service's answers change while it lasts; its ledger stays as it is.
 */
export interface FaultStatus<F> {
  active: boolean;
  fault: F | null;
  since: string | null;
  /** When it ends by itself; null: when an operator ends it. */
  until: string | null;
}

export interface FaultSwitch<F> {
  current(): F | null;
  status(): FaultStatus<F>;
  start(fault: F, durationMs?: number): void;
  stop(): void;
  /** Hears every start and stop (null: the outage ended). */
  onChange(listener: (fault: F | null) => void): void;
  /** Resolves when the outage in force ends; at once when there is none. */
  ended(): Promise<void>;
}

export function createFaultSwitch<F>(now: () => Date = () => new Date()): FaultSwitch<F> {
  let state: { fault: F; since: Date; until: Date | null; timer?: NodeJS.Timeout } | null = null;
  const listeners: ((fault: F | null) => void)[] = [];
  let waiters: (() => void)[] = [];
  const notify = (fault: F | null) => {
    for (const listener of listeners) listener(fault);
  };
  const stop = (): void => {
    if (state === null) return;
    clearTimeout(state.timer);
    state = null;
    for (const wake of waiters) wake();
    waiters = [];
    notify(null);
  };
  return {
    current: () => state?.fault ?? null,
    status: () => ({
      active: state !== null,
      fault: state?.fault ?? null,
      since: state?.since.toISOString() ?? null,
      until: state?.until?.toISOString() ?? null,
    }),
    start(fault, durationMs) {
      clearTimeout(state?.timer);
      const since = now();
      const until = durationMs === undefined ? null : new Date(since.getTime() + durationMs);
      state = { fault, since, until };
      // Unref'd: an outage left on never keeps a stopping process alive.
      if (durationMs !== undefined) state.timer = setTimeout(stop, durationMs).unref();
      notify(fault);
    },
    stop,
    onChange: (listener) => void listeners.push(listener),
    ended: () => (state === null ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}

/** The operator-only routes of a fault switch, at `path`; `faultSchema` says which outages it knows. */
export function registerFaultRoutes<F>(
  app: HttpApp,
  options: { path: string; faults: FaultSwitch<F>; faultSchema: z.ZodType<F>; what: string },
): void {
  const status = z
    .object({
      active: z.boolean(),
      fault: options.faultSchema.nullable(),
      since: z.string().nullable(),
      until: z.string().nullable(),
    })
    .describe(`The ${options.what} outage in force, if any`);
  const body = z.object({
    fault: options.faultSchema,
    /** Ends the outage by itself after this long; without it, an operator ends it. */
    durationMs: z.number().int().min(1).max(86_400_000).optional(),
  });
  const common = { 'x-access': 'operator' as const, tags: ['outage'], response: { 200: status } };
  // Plain Fastify typing: the schemas are generic here, so the handlers read what was validated.
  const routes = app as unknown as FastifyInstance;
  routes.get(
    options.path,
    { schema: { ...common, summary: `The ${options.what} outage in force` } },
    async () => options.faults.status(),
  );
  routes.put(
    options.path,
    {
      schema: {
        ...common,
        summary: `Starts an ${options.what} outage (nothing the service keeps is lost)`,
        body,
        response: { ...common.response, 400: problemDetailsSchema },
      },
    },
    async (request) => {
      const { fault, durationMs } = body.parse(request.body);
      options.faults.start(fault, durationMs);
      return options.faults.status();
    },
  );
  routes.delete(
    options.path,
    { schema: { ...common, summary: `Ends the ${options.what} outage` } },
    async () => {
      options.faults.stop();
      return options.faults.status();
    },
  );
}

/**
 * An HTTP service's outage: `unavailable` answers at once with `status` (default 503); `hang` holds
 * each request past any client's timeout — until the outage ends, then lets it through like a provider
 * that was only slow (its client may have given up and retried meanwhile), or until `maxMs`, then
 * answers 503.
 */
export const httpOutageSchema = z
  .discriminatedUnion('mode', [
    z.object({
      mode: z.literal('unavailable'),
      status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(503),
    }),
    z.object({ mode: z.literal('hang'), maxMs: z.number().int().min(1).max(600_000).default(60_000) }),
  ])
  .meta({ id: 'HttpOutage' });
export type HttpOutage = z.output<typeof httpOutageSchema>;

/** What a request under the outage is answered with: the service's own error shape for `status`. */
export type OutageAnswer = (
  status: number,
  request: FastifyRequest,
) => { status: number; body: unknown; contentType?: string };

/** Applies `faults` to every request whose path starts with `prefix` (the service's API, not its ops routes). */
export function installHttpOutage(
  app: FastifyInstance,
  faults: FaultSwitch<HttpOutage>,
  options: { prefix: string; answer: OutageAnswer },
): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(options.prefix)) return;
    const fault = faults.current();
    if (fault === null) return;
    if (fault.mode === 'unavailable') return answered(reply, options.answer(fault.status, request));
    if (await heldUntilEnd(request, faults, fault.maxMs)) return;
    return answered(reply, options.answer(503, request));
  });
}

/** True when the outage ended while the request was held; false when `maxMs` passed first. */
async function heldUntilEnd(
  request: FastifyRequest,
  faults: FaultSwitch<HttpOutage>,
  maxMs: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), maxMs);
  });
  request.log.debug({ maxMs }, 'request held: the service is hanging (outage)');
  try {
    return await Promise.race([faults.ended().then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function answered(reply: FastifyReply, answer: ReturnType<OutageAnswer>): FastifyReply {
  if (answer.contentType !== undefined) reply.type(answer.contentType);
  return reply.status(answer.status).send(answer.body);
}
