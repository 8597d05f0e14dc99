import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asyncApiDocument } from '@microshop/contracts/asyncapi';
import { givenGateway } from './gateway.ts';

// The document itself is validated by @asyncapi/parser in packages/contracts/test/asyncapi.unit.test.ts.
describe('the AsyncAPI document', () => {
  it('is served at /api/asyncapi.json without a token, as generated from the contracts', async () => {
    const { app } = await givenGateway({});
    const response = await app.inject('/api/asyncapi.json');
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.deepEqual(response.json(), asyncApiDocument());
  });
});
