import fastifySwaggerUi from '@fastify/swagger-ui';
import { asyncApiDocument } from '@microshop/contracts/asyncapi';
import { errorCatalogueHtml, errorCataloguePath } from '@microshop/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MergedOpenApi } from '../clients/merged-openapi.ts';

/**
 * The gateway's own API documents: `GET /api/openapi.json`, the services' documents merged, and the
 * Swagger UI over it at `/api/docs`; `GET /api/asyncapi.json`, the contract of every Kafka topic;
 * `GET /api/errors`, the error catalogue every problem's `type` points into.
 */
export async function registerOpenApiRoutes(scope: FastifyInstance, openapi: MergedOpenApi): Promise<void> {
  const open = { schema: { hide: true, 'x-access': 'public' as const } };
  scope.get('/api/openapi.json', { schema: { hide: true } }, async () => openapi.get());
  // Generated from @microshop/contracts, the code every producer and consumer is built on.
  const events = asyncApiDocument();
  scope.get('/api/asyncapi.json', open, async () => events);
  const errors = errorCatalogueHtml();
  scope.get(errorCataloguePath, open, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(errors),
  );
  await registerDocs(scope, openapi);
}

/**
 * Swagger UI always loads its document from `<prefix>/json`, which the plugin answers from a
 * synchronous transform; the hook makes sure the merged document is fresh before that runs.
 */
async function registerDocs(scope: FastifyInstance, openapi: MergedOpenApi): Promise<void> {
  await scope.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    uiHooks: {
      preHandler: async (request: FastifyRequest) => {
        if (/\/(json|yaml)$/.test(request.url.split('?', 1)[0] ?? '')) await openapi.get();
      },
    },
    transformSpecification: () => openapi.latest() as unknown as Readonly<Record<string, unknown>>,
    transformSpecificationClone: false,
  });
}
