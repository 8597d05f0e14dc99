import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capturingLogger } from './log-capture.ts';

test('every line names the service, its level as a word and an ISO time', () => {
  const { logger, lines } = capturingLogger('orders');
  logger.info('hello');
  const [line] = lines();
  assert.equal(line?.service, 'orders');
  assert.equal(line?.level, 'info');
  assert.match(String(line?.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
});

test('authorization headers and payment tokens are redacted wherever they are logged', () => {
  const { logger, lines } = capturingLogger();
  logger.info({ req: { headers: { authorization: 'Bearer abc' } } }, 'request');
  logger.info({ headers: { authorization: 'Basic xyz' } }, 'outgoing');
  logger.info({ body: { payment: { token: 'tok_visa_4242' } } }, 'body');
  logger.info({ payment: { token: 'tok_top' }, authorization: 'raw' }, 'top level');
  logger.info(
    { token: 'tok_alone', call: { token: 'tok_nested' }, req: { body: { token: 'tok_deep' } } },
    'tokens',
  );
  logger.info({ value: { payment: { token: 'tok_in_a_message' } } }, 'message');
  const text = JSON.stringify(lines());
  const secrets = ['Bearer abc', 'Basic xyz', 'tok_visa_4242', 'tok_top', '"raw"', 'tok_alone', 'tok_nested'];
  for (const secret of [...secrets, 'tok_deep', 'tok_in_a_message']) {
    assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  }
  assert.equal(text.match(/\[redacted\]/g)?.length, 9);
});
