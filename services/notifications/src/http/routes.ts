import { idSchema } from '@microshop/contracts';
import {
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  type Pool,
  problemDetailsSchema,
} from '@microshop/platform';
import { z } from 'zod';
import { emailStatuses } from '../domain/emails.ts';
import { emailsOfOrder } from '../store/emails.ts';

/**
 * The service's HTTP API, reached through the gateway under the same path:
 *   GET /api/v1/notifications?orderId=…   the emails of an order and where each one stands
 */

const notificationSchema = z
  .object({
    orderId: idSchema,
    /** The order status the email announces. */
    orderStatus: z.enum(emailStatuses),
    /**
     * PENDING until the SMTP server accepted it (SENDING while an attempt is under way); FAILED when
     * the server refused it for good (5xx), `lastError` saying why.
     */
    status: z.enum(['PENDING', 'SENDING', 'SENT', 'FAILED']),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    messageId: z.string(),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' });

const listResponse = z
  .object({ orderId: idSchema, notifications: z.array(notificationSchema) })
  .meta({ id: 'OrderNotifications' });

export interface HttpDeps extends HttpBase {
  pool: Pool;
}

/** The app with every route, not listening: the kit listens, tests use `inject`. */
export async function build({ pool, ...base }: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'notifications',
    ...base,
    openapi: {
      title: 'microshop notifications',
      version: '0.1.0',
      description: 'Customer emails about their orders, and dynamic routing of orders by customer level.',
    },
  });
  registerRoutes(app, pool);
  return app;
}

export function registerRoutes(app: HttpApp, pool: Pool): void {
  app.get(
    '/api/v1/notifications',
    {
      schema: {
        summary: "An order's emails, oldest first, each PENDING, SENDING, SENT or FAILED with its attempts",
        querystring: z.object({ orderId: idSchema }),
        response: { 200: listResponse, 400: problemDetailsSchema },
      },
    },
    async (request) => {
      const { orderId } = request.query;
      const rows = await emailsOfOrder(pool, orderId);
      return {
        orderId,
        notifications: rows.map((row) => ({
          orderId: row.orderId,
          orderStatus: row.orderStatus,
          status: row.state,
          to: row.recipient,
          subject: row.subject,
          text: row.text,
          messageId: row.messageId,
          attempts: row.attempts,
          // Only a PENDING email has a next attempt.
          nextAttemptAt: row.state === 'PENDING' ? row.nextAttemptAt.toISOString() : null,
          lastError: row.lastError,
          createdAt: row.createdAt.toISOString(),
          sentAt: row.sentAt?.toISOString() ?? null,
        })),
      };
    },
  );
}
