import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OrderStatus } from '@microshop/contracts';
import {
  decideEmail,
  type EmailDecision,
  type EmailInput,
  emailMessageId,
  graceFor,
  type OrderFacts,
} from '../src/domain/emails.ts';
import { genericReason, reasonInWords, reasonsInWords } from '../src/domain/reasons.ts';
import { newOrder, order } from './email-fixtures.ts';

const ids = newOrder();
const recipient = { name: 'Ann Smith', email: 'ann@example.com' };
const noFacts: OrderFacts = { charged: null, refunded: null, tracking: null, approved: false };
const grace = { customerMs: 5_000, trackingMs: 10_000, refundMs: 10_000 };

function decide(status: OrderStatus, overrides: Partial<EmailInput> = {}): EmailDecision {
  return decideEmail({ order: order(ids, status), recipient, facts: noFacts, ageMs: 0, grace, ...overrides });
}

function sent(decision: EmailDecision) {
  assert.equal(decision.kind, 'send', JSON.stringify(decision));
  return decision as Extract<EmailDecision, { kind: 'send' }>;
}

describe('which order events get an email', () => {
  test('CREATED and VALIDATED get none; APPROVED, SHIPPED, DELIVERED, FAILED and CANCELLED get one each', () => {
    assert.deepEqual(decide('CREATED'), { kind: 'none', why: 'not-notable' });
    assert.deepEqual(decide('VALIDATED'), { kind: 'none', why: 'not-notable' });
    const facts = { ...noFacts, tracking: { trackingNumber: 'T1', carrier: 'C' } };
    const subjects = (['APPROVED', 'SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED'] as const).map((status) => {
      const email = sent(decide(status, { facts }));
      assert.equal(email.status, status);
      assert.equal(email.to, 'ann@example.com');
      assert.match(email.content.text, /^Hello Ann Smith,\n\n/);
      assert.ok(email.content.text.includes(ids.orderId));
      return email.content.subject;
    });
    assert.deepEqual(subjects, [
      'Your order is confirmed',
      'Your order is on its way',
      'Your order has been delivered',
      'We could not complete your order',
      'Your order has been cancelled',
    ]);
  });

  test('an email waits for an unknown customer within the grace period, and is dropped after it', () => {
    assert.deepEqual(decide('APPROVED', { recipient: null, ageMs: 4_999 }), {
      kind: 'wait',
      awaiting: 'customer',
      ageMs: 4_999,
    });
    assert.deepEqual(decide('APPROVED', { recipient: null, ageMs: 5_000 }), {
      kind: 'none',
      why: 'no-recipient',
    });
  });

  test('each wait lasts the grace period of what it waits for', () => {
    assert.deepEqual(
      (['customer', 'tracking', 'refund'] as const).map((awaiting) => graceFor(awaiting, grace)),
      [5_000, 10_000, 10_000],
    );
  });

  test('an event of any age still gets its email: a late replay sends what it owes', () => {
    const monthOld = decide('APPROVED', { ageMs: 30 * 86_400_000 });
    assert.equal(monthOld.kind, 'send');
    assert.equal(monthOld.kind === 'send' && monthOld.status, 'APPROVED');
  });

  test('the Message-ID is the same for every send of one (order, status)', () => {
    assert.equal(emailMessageId(ids.orderId, 'SHIPPED'), `<${ids.orderId}.SHIPPED@microshop>`);
  });
});

describe('the email of each status', () => {
  test('APPROVED names the amount charged by the payment, else the order total, as formatted money', () => {
    const charged = sent(
      decide('APPROVED', { facts: { ...noFacts, charged: { amount: 123456, currency: 'EUR' } } }),
    );
    assert.match(charged.content.text, /We have charged 1234\.56 EUR\./);
    const fromTotal = sent(decide('APPROVED'));
    assert.match(fromTotal.content.text, /We have charged 59\.99 EUR\./);
    assert.match(
      fromTotal.content.text,
      /2 × JUMPERS {2}50\.00 EUR\n {2}1 × STOCKINGS {2}9\.99 EUR\n {2}Total: 59\.99 EUR/,
    );
    const yen = sent(
      decide('APPROVED', { facts: { ...noFacts, charged: { amount: 2500, currency: 'JPY' } } }),
    );
    assert.match(yen.content.text, /We have charged 2500 JPY\./);
  });

  test('SHIPPED waits for its tracking number, names it with the carrier, and goes without it after the grace period', () => {
    assert.deepEqual(decide('SHIPPED', { ageMs: 9_999 }), {
      kind: 'wait',
      awaiting: 'tracking',
      ageMs: 9_999,
    });
    const tracked = sent(
      decide('SHIPPED', {
        facts: { ...noFacts, tracking: { trackingNumber: 'SBX-123', carrier: 'Sandbox Parcel' } },
      }),
    );
    assert.match(tracked.content.text, /Carrier: Sandbox Parcel\nTracking number: SBX-123/);
    assert.equal(tracked.missing, null);
    const late = sent(decide('SHIPPED', { ageMs: 10_000 }));
    assert.equal(late.missing, 'tracking');
    assert.match(late.content.text, /tracking number was not available/);
  });

  test('FAILED says each reason in words a customer understands, never the internal wording', () => {
    const email = sent(
      decide('FAILED', {
        order: order(ids, 'FAILED', {
          reasons: [
            'INVENTORY: insufficient stock: JUMPERS (requested 3, available 1)',
            'FRAUD: order value in session reaches 2000.00 EUR (limit 2000.00)',
          ],
        }),
      }),
    );
    assert.match(
      email.content.text,
      /- We do not have enough in stock of JUMPERS \(you asked for 3, we have 1\)\./,
    );
    assert.match(email.content.text, /- For your security we could not accept it\./);
    assert.doesNotMatch(email.content.text, /2000\.00|INVENTORY|FRAUD/);
  });

  test('CANCELLED names the refund; a paid order waits for it, an unpaid one does not', () => {
    const refunded = { ...noFacts, refunded: { amount: 5999, currency: 'EUR' } };
    assert.match(sent(decide('CANCELLED', { facts: refunded })).content.text, /We have refunded 59\.99 EUR/);
    const paid = { ...noFacts, charged: { amount: 5999, currency: 'EUR' } };
    assert.deepEqual(decide('CANCELLED', { facts: paid, ageMs: 1 }), {
      kind: 'wait',
      awaiting: 'refund',
      ageMs: 1,
    });
    assert.deepEqual(decide('CANCELLED', { facts: { ...noFacts, approved: true }, ageMs: 1 }).kind, 'wait');
    const late = sent(decide('CANCELLED', { facts: paid, ageMs: 10_000 }));
    assert.equal(late.missing, 'refund');
    assert.match(late.content.text, /Any payment captured for it will be refunded/);
    const unpaid = sent(decide('CANCELLED', { ageMs: 1 }));
    assert.equal(unpaid.missing, null);
    assert.match(unpaid.content.text, /Any payment captured for it will be refunded/);
  });
});

describe('failure reasons in words', () => {
  test('TIMEOUT, stock, fraud, order details and a declined card each get their sentence', () => {
    assert.equal(reasonInWords('TIMEOUT'), 'We could not process it in time, so it was stopped.');
    assert.equal(
      reasonInWords(
        'INVENTORY: insufficient stock: JUMPERS (requested 3, available 1), SOCKS (requested 2, available 0); unknown sku: HATS',
      ),
      'We do not have enough in stock of JUMPERS (you asked for 3, we have 1), SOCKS (you asked for 2, we have 0). We no longer sell HATS.',
    );
    assert.equal(reasonInWords('INVENTORY: warehouse on fire'), 'Some of its items are out of stock.');
    assert.match(reasonInWords('FRAUD: order value in session reaches 2000.00 EUR'), /^For your security/);
    assert.match(reasonInWords('ORDER_DETAILS: price mismatch for JUMPERS'), /no longer matched our catalog/);
    assert.equal(
      reasonInWords('card declined: insufficient funds'),
      'Your card was declined. Please try another card or payment method.',
    );
    assert.equal(
      reasonInWords('card declined'),
      'Your card was declined. Please try another card or payment method.',
    );
  });

  test('an unknown reason or none at all gives the generic sentence, and a sentence is said once', () => {
    assert.equal(reasonInWords('something odd'), genericReason);
    assert.deepEqual(reasonsInWords([]), [genericReason]);
    assert.deepEqual(reasonsInWords(['TIMEOUT', 'TIMEOUT']), [
      'We could not process it in time, so it was stopped.',
    ]);
  });
});
