import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startFakeUpstream } from './fake-upstream.ts';
import { givenGateway } from './gateway.ts';

// The web pages the gateway serves (`/` storefront, `/console` console) from a built folder, and the
// server-sent events it passes on as they come.

function builtPages(): string {
  const root = mkdtempSync(join(tmpdir(), 'microshop-web-'));
  mkdirSync(join(root, 'console'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>storefront</title>');
  writeFileSync(join(root, 'console', 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(root, 'assets', 'app-1a2b3c.js'), 'export {};');
  after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

describe('the web pages', () => {
  it('serves the storefront and the console, revalidating the HTML and caching hashed assets for good', async () => {
    const { app } = await givenGateway({}, { webRoot: builtPages() });
    const home = await app.inject({ url: '/' });
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /storefront/);
    assert.equal(home.headers['cache-control'], 'no-cache');
    const consolePage = await app.inject({ url: '/console' });
    assert.match(consolePage.body, /console/);
    const asset = await app.inject({ url: '/assets/app-1a2b3c.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['content-type']), /javascript/);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await app.inject({ url: '/assets/gone.js' })).statusCode, 404);
  });

  it('answers a page’s own paths with its HTML, and an unknown API path with the API’s 404', async () => {
    const { app } = await givenGateway({}, { webRoot: builtPages() });
    assert.match(
      (await app.inject({ url: '/orders/5c7e0b8a-1111-4222-8333-944455556666' })).body,
      /storefront/,
    );
    assert.match(
      (await app.inject({ url: '/console/topics/microshop.payments?seek=oldest' })).body,
      /console/,
    );
    const api = await app.inject({ url: '/api/v2/nothing' });
    assert.equal(api.statusCode, 404);
    assert.match(String(api.headers['content-type']), /^application\/problem\+json/);
  });

  it('says the pages are not built rather than answering a blank page', async () => {
    const { app } = await givenGateway({}, { webRoot: join(tmpdir(), 'microshop-no-such-build') });
    const home = await app.inject({ url: '/' });
    assert.equal(home.statusCode, 503);
    assert.match(home.json().detail, /not built/);
  });

  it('passes server-sent events on at once, without waiting for its response buffer to fill', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] }, { responseBufferBytes: 1024 * 1024 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const stop = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/orders/1/events`, { signal: stop.signal });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const reader = response.body?.getReader();
    const first = await Promise.race([
      reader?.read(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the event was held back')), 2_000)),
    ]);
    assert.match(new TextDecoder().decode((first as { value: Uint8Array }).value), /event: order/);
    stop.abort();
  });
});
