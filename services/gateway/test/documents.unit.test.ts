import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asyncApiDocument } from '@microshop/contracts/asyncapi';
import { givenGateway } from './gateway.ts';

describe("the gateway's own documents", () => {
  // The document itself is validated by @asyncapi/parser in packages/contracts/test/asyncapi.unit.test.ts.
  it('serves the AsyncAPI document at /api/asyncapi.json, as generated from the contracts', async () => {
    const { app } = await givenGateway({});
    const response = await app.inject('/api/asyncapi.json');
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.deepEqual(response.json(), asyncApiDocument());
  });

  it("serves the error catalogue where a problem's type points: the page, with the code's entry", async () => {
    const { app } = await givenGateway({});
    const problem = (await app.inject('/api/v1/no-such-thing')).json();
    assert.equal(problem.code, 'NOT_FOUND');
    const [path, anchor] = String(problem.type).split('#');
    const page = await app.inject(path ?? '');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.ok(page.body.includes(`<section id="${anchor}">`), `the page has an entry #${anchor}`);
  });
});
