import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, type RecordFacts } from '../src/domain/expression-eval.ts';
import { ExpressionError, parseExpression } from '../src/domain/expression-parse.ts';

const facts: RecordFacts = {
  key: 'customer-7',
  headers: { type: 'OrderCreated', 'dlq.topic': 'microshop.orders', attempts: '3' },
  value: { type: 'OrderCreated', order: { id: 'o-1', total: 1250, lines: ['a', 'b'] }, note: null },
  partition: 2,
  offset: 41,
  timestamp: Date.parse('2026-03-01T12:00:00Z'),
};

const holds = (source: string, on: RecordFacts = facts) => evaluate(parseExpression(source), on);

function syntaxError(source: string): ExpressionError {
  try {
    parseExpression(source);
  } catch (error) {
    assert.ok(error instanceof ExpressionError, `${source}: ${String(error)}`);
    return error;
  }
  assert.fail(`${source} parsed`);
}

describe('the filter expression language', () => {
  it('compares names with texts and numbers', () => {
    assert.equal(holds('value.type == "OrderCreated"'), true);
    assert.equal(holds("value.type != 'OrderCreated'"), false);
    assert.equal(holds('value.order.total > 1000'), true);
    assert.equal(holds('value.order.total <= 1000'), false);
    assert.equal(holds('partition == 2 and offset >= 41 and offset < 42'), true);
    assert.equal(holds('key contains "customer"'), true);
    assert.equal(holds('headers.attempts == 3'), true, 'a numeric header equals its number');
    assert.equal(holds('headers.dlq.topic == "microshop.orders"'), true, 'a header name with dots');
    assert.equal(holds('value.order.lines contains "b"'), true, 'an array holds an element');
    assert.equal(holds('timestamp > "2026-03-01T11:59:59Z" and timestamp < "2026-03-01T12:00:01Z"'), true);
    assert.equal(holds('value.order.total == -5'), false);
  });

  it('combines with and, or, not and parentheses, and binds and tighter than or', () => {
    assert.equal(holds('partition == 1 or partition == 2 and key contains "7"'), true);
    assert.equal(holds('(partition == 1 or partition == 2) and key contains "8"'), false);
    assert.equal(holds('not (value.type == "Heartbeat")'), true);
    assert.equal(holds('not not value.type'), true);
  });

  it('treats what is absent as false, and != as true', () => {
    assert.equal(holds('value.missing == "x"'), false);
    assert.equal(holds('value.missing != "x"'), true);
    assert.equal(holds('headers.nothere'), false);
    assert.equal(holds('value.note'), false, 'null is absent');
    assert.equal(holds('value.order'), true);
    assert.equal(holds('key == "x"', { ...facts, key: null }), false);
    assert.equal(holds('value contains "plain"', { ...facts, value: 'a plain text' }), true);
    assert.equal(holds('value.type == "x"', { ...facts, value: undefined }), false);
  });

  it('never reaches beyond the record (no prototype, no globals)', () => {
    assert.equal(holds('value.constructor'), false);
    assert.equal(holds('value.__proto__'), false);
    assert.equal(holds('headers.constructor'), false);
  });

  it('names the position of a syntax error', () => {
    assert.equal(syntaxError('value.type ==').position, 13);
    assert.equal(syntaxError('value.type == "x" and').position, 21);
    assert.equal(syntaxError('(partition == 1').position, 15);
    assert.equal(syntaxError('partition == 1)').position, 14);
    assert.equal(syntaxError('valu.type == "x"').position, 0);
    assert.equal(syntaxError('value.type = "x"').position, 11);
    assert.equal(syntaxError('key == "open').position, 7);
    assert.equal(syntaxError('headers == "x"').position, 0);
    assert.match(
      syntaxError('value.type ==').message,
      /expected a name, a string or a number, found the end/,
    );
  });

  it('refuses what is too long or too deep, and runs nothing', () => {
    assert.equal(syntaxError(`key == "${'x'.repeat(600)}"`).position, 500);
    assert.match(syntaxError(`${'('.repeat(40)}key${')'.repeat(40)}`).message, /nested deeper/);
    assert.match(syntaxError('process.exit(1)').message, /unknown name 'process'/);
    assert.match(syntaxError('key == `x`').message, /unexpected character/);
  });
});
