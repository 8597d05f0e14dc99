import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatAmount, formatMoney, minorUnitDigits } from '../src/index.ts';

describe('formatAmount', () => {
  test('shows minor units in major units with the currency’s own number of decimals', () => {
    assert.equal(formatAmount(200_000, 'EUR'), '2000.00');
    assert.equal(formatAmount(5, 'EUR'), '0.05');
    assert.equal(formatAmount(200_000, 'JPY'), '200000');
    assert.equal(formatAmount(1_234_567, 'BHD'), '1234.567');
  });

  test('keeps the sign of a negative amount and every digit of one beyond 2^53 − 1', () => {
    assert.equal(formatAmount(-5, 'EUR'), '-0.05');
    assert.equal(formatAmount(10n ** 18n + 1n, 'EUR'), '10000000000000000.01');
    assert.equal(formatAmount(Number.MAX_SAFE_INTEGER, 'EUR'), '90071992547409.91');
  });
});

describe('formatMoney', () => {
  test('shows minor units in major units with the currency’s own number of decimals', () => {
    assert.equal(formatMoney(2500, 'EUR'), '25.00 EUR');
    assert.equal(formatMoney(7, 'EUR'), '0.07 EUR');
    assert.equal(formatMoney(2500, 'JPY'), '2500 JPY');
    assert.equal(formatMoney(2500n, 'KWD'), '2.500 KWD');
  });
});

describe('minorUnitDigits', () => {
  test('follows ISO 4217 and falls back to 2 for a code the runtime does not know', () => {
    assert.deepEqual(
      ['EUR', 'JPY', 'BHD', 'XQQ'].map((currency) => minorUnitDigits(currency)),
      [2, 0, 3, 2],
    );
  });
});
