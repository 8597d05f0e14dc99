import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '@microshop/platform';
import { thrownBy } from '@microshop/platform/testing';
import { customersConfig, operatorAccountOf } from '../src/config.ts';
import { decideRefresh, paddedCandidates, rotationDue } from '../src/domain/identity.ts';
import { createPasswordHasher } from '../src/handlers/passwords.ts';

const now = new Date('2025-05-01T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

describe('which accounts a password is tried against', () => {
  test('always as many as the bound: the newest ones, then dummies', () => {
    assert.deepEqual(paddedCandidates(['a', 'b'], 5), ['a', 'b', null, null, null]);
    assert.deepEqual(paddedCandidates([], 3), [null, null, null]);
    assert.deepEqual(paddedCandidates(['a', 'b', 'c'], 2), ['a', 'b']);
  });
});

describe('a refresh token presented', () => {
  const live = { expiresAt: later(60_000), rotatedAt: null, revokedAt: null };

  test('rotates when live; is refused when unknown, expired or revoked', () => {
    assert.deepEqual(decideRefresh(live, now), { outcome: 'rotate' });
    assert.deepEqual(decideRefresh(null, now), { outcome: 'refused', reason: 'unknown' });
    assert.deepEqual(decideRefresh({ ...live, expiresAt: now }, now), {
      outcome: 'refused',
      reason: 'expired',
    });
    assert.deepEqual(decideRefresh({ ...live, revokedAt: now }, now), {
      outcome: 'refused',
      reason: 'revoked',
    });
  });

  test('revokes its family when it was rotated already (even once expired)', () => {
    assert.deepEqual(decideRefresh({ ...live, rotatedAt: now }, now), { outcome: 'revoke-family' });
    assert.deepEqual(decideRefresh({ ...live, rotatedAt: now, expiresAt: now }, later(1)), {
      outcome: 'revoke-family',
    });
  });
});

describe('signing key rotation', () => {
  test('is due without a key, and once the newest is as old as the rotation period', () => {
    assert.equal(rotationDue(undefined, now, 1000), true);
    assert.equal(rotationDue(now, later(999), 1000), false);
    assert.equal(rotationDue(now, later(1000), 1000), true);
  });
});

describe('password hashes', () => {
  test('verify the password they were made from, in constant time, and nothing else', async () => {
    const hasher = await createPasswordHasher({ log2N: 10, r: 8, p: 1 });
    const stored = await hasher.hash('pa55word-ünïcode');

    assert.match(stored, /^scrypt\$10\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.equal(await hasher.verify('pa55word-ünïcode', stored), true);
    assert.equal(await hasher.verify('pa55word-unicode', stored), false);
    assert.equal(await hasher.verify('pa55word-ünïcode', 'md5$abc'), false);
    assert.equal(await hasher.verifyNothing('anything'), false);
    assert.notEqual(await hasher.hash('pa55word-ünïcode'), stored, 'salted');
  });

  test('made with other parameters still verify, and are outdated', async () => {
    const old = await createPasswordHasher({ log2N: 10, r: 8, p: 1 });
    const current = await createPasswordHasher({ log2N: 11, r: 8, p: 1 });
    const stored = await old.hash('secret password');

    assert.equal(await current.verify('secret password', stored), true);
    assert.equal(current.isOutdated(stored), true);
    assert.equal(current.isOutdated(await current.hash('secret password')), false);
  });
});

describe('the operator account', () => {
  test('defaults to the well-known dev account in the dev and test profiles only', () => {
    const dev = loadConfig(customersConfig, { MICROSHOP_PROFILE: 'dev' });
    assert.deepEqual(operatorAccountOf(dev), {
      email: 'operator@microshop.local',
      password: 'operator-dev-password',
    });
    const production = thrownBy(() => loadConfig(customersConfig, {}), ConfigError);
    assert.deepEqual(
      production.issues.map((issue) => issue.variable),
      ['MICROSHOP_OPERATOR_EMAIL', 'MICROSHOP_OPERATOR_PASSWORD'],
    );
    const configured = loadConfig(customersConfig, {
      MICROSHOP_OPERATOR_EMAIL: 'ops@shop.example',
      MICROSHOP_OPERATOR_PASSWORD: 'a real secret of some length',
    });
    assert.equal(operatorAccountOf(configured).email, 'ops@shop.example');
  });
});
