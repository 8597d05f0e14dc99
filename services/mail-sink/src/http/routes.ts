import {
  answerOnceJournaled,
  buildHttpApp,
  createFaultSwitch,
  type FaultSwitch,
  type HttpApp,
  type HttpBase,
  notFound,
  problemDetailsSchema,
} from '@microshop/platform';
import { z } from 'zod';
import type { SmtpOutage } from '../handlers/smtp.ts';
import { type Mailbox, storedMailSchema } from '../store/mailbox.ts';
import { registerOutage } from './outage.ts';

/**
 * The sink's mailbox over HTTP, for operators (the console and the tests read emails here):
 *   GET    /api/v1/mail?to=&subject=&limit=   emails, newest first
 *   GET    /api/v1/mail/{id}                  one email
 *   DELETE /api/v1/mail                       empties the mailbox
 *   GET/PUT/DELETE /api/v1/outage             operators: the SMTP outage switch (outage.ts)
 */

export const defaultListLimit = 100;
export const maxListLimit = 10_000;

const mailSchema = storedMailSchema.meta({ id: 'Mail' });

const listQuery = z.object({
  to: z.string().min(1).max(320).optional(),
  subject: z.string().min(1).max(998).optional(),
  limit: z.coerce.number().int().min(1).max(maxListLimit).default(defaultListLimit),
});

export interface HttpDeps extends HttpBase {
  mailbox: Mailbox;
  /** The switch the SMTP server obeys; a new one (off) unless given. */
  faults?: FaultSwitch<SmtpOutage>;
}

/** The app with every route, not listening: the kit listens, tests use `inject`. */
export async function build({ mailbox, faults, ...base }: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'mail-sink',
    ...base,
    openapi: {
      title: 'microshop mail-sink',
      version: '0.1.0',
      description: "The dev stack's local SMTP server: every email it received, newest first.",
    },
  });
  answerOnceJournaled(app, mailbox);
  registerRoutes(app, mailbox);
  registerOutage(app, faults ?? createFaultSwitch<SmtpOutage>());
  return app;
}

export function registerRoutes(app: HttpApp, mailbox: Mailbox): void {
  app.get(
    '/api/v1/mail',
    {
      schema: {
        summary: 'Received emails, newest first, optionally filtered by recipient and subject',
        'x-access': 'operator',
        querystring: listQuery,
        response: { 200: z.object({ messages: z.array(mailSchema) }), 400: problemDetailsSchema },
      },
    },
    async (request) => ({ messages: mailbox.list(request.query) }),
  );

  app.get(
    '/api/v1/mail/:id',
    {
      schema: {
        summary: 'One received email',
        'x-access': 'operator',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 200: mailSchema, 404: problemDetailsSchema },
      },
    },
    async (request) => {
      const mail = mailbox.get(request.params.id);
      if (mail === undefined) throw notFound('Mail', request.params.id);
      return mail;
    },
  );

  app.delete(
    '/api/v1/mail',
    {
      schema: {
        summary: 'Empties the mailbox',
        'x-access': 'operator',
        response: { 200: z.object({ deleted: z.number().int() }) },
      },
    },
    async () => ({ deleted: mailbox.clear() }),
  );
}
