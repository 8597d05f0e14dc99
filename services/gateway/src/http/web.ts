import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { AppError, upstreamUnavailable } from '@microshop/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// The storefront (`/`) and the operator console (`/console`), built by Vite into one folder and
// served from it on the API's own origin: no CDN, no second server. The files are public (the API
// behind them is what is guarded). Hashed assets are cached for good; the HTML is revalidated on
// every load so a new build is picked up at once. Any other path below a page is that page's HTML
// (its router draws the view): a shared link or a reload never ends in a 404.

const page = { schema: { hide: true, 'x-access': 'public' as const } };
const immutable = 'public, max-age=31536000, immutable';
const revalidate = 'no-cache';

export async function registerWeb(app: FastifyInstance, root: string): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn(
      { root },
      'web pages not built: / and /console answer 503 (npm run build -w @microshop/web)',
    );
    const missing = async () => {
      throw upstreamUnavailable(
        `the web pages are not built in ${root}: run npm run build -w @microshop/web`,
      );
    };
    for (const path of ['/', '/console', '/console/*']) app.get(path, page, missing);
    return;
  }
  await app.register(fastifyStatic, {
    root,
    // No routes of its own: the ones below decide what is a file and what is a page, and read the folder
    // at each request, so a rebuild (new hashed names) is served without a restart.
    serve: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply: FastifyReply, path: string) => {
      reply.header('cache-control', path.includes('/assets/') ? immutable : revalidate);
    },
  });
  const send = (file: string) => async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.sendFile(file);
  app.get('/assets/*', page, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    return reply.sendFile(`assets/${name}`);
  });
  app.get('/', page, send('index.html'));
  app.get('/console', page, send('console/index.html'));
  app.get('/console/*', page, send('console/index.html'));
  app.get('/*', page, async (request, reply) => {
    // An unknown API path is the API's 404 problem, never a page.
    if (request.url.startsWith('/api/'))
      throw new AppError('NOT_FOUND', `No route GET ${request.url.split('?')[0]}`);
    return reply.sendFile('index.html');
  });
}
