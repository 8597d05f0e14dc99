import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTokenCipher, parseTokenKey } from '../src/store/token-cipher.ts';

const [oldKey, newKey] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];

test('a reference is the same for the same subject and token, and differs for any other', () => {
  const cipher = createTokenCipher([oldKey]);
  const reference = cipher.referenceOf('customer-a', 'tok_visa');

  assert.match(reference, /^pm_[A-Za-z0-9_-]{32}$/);
  assert.equal(cipher.referenceOf('customer-a', 'tok_visa'), reference);
  assert.notEqual(cipher.referenceOf('customer-b', 'tok_visa'), reference);
  assert.notEqual(cipher.referenceOf('customer-a', 'tok_visa_2'), reference);
  assert.equal(reference.includes('tok_visa'), false);
});

test('a sealed token opens under its own reference only, and not in clear anywhere in the seal', () => {
  const cipher = createTokenCipher([oldKey]);
  const sealed = cipher.seal('tok_visa_secret', 'pm_a');

  assert.equal(cipher.open(sealed, 'pm_a'), 'tok_visa_secret');
  assert.throws(() => cipher.open(sealed, 'pm_b'), /authenticate/);
  assert.equal(Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]).includes('tok_visa'), false);
});

test('while a key is rotated the new one seals and both open; a retired key opens nothing', () => {
  const sealedBefore = createTokenCipher([oldKey]).seal('tok_before', 'pm_a');
  const rotating = createTokenCipher([newKey, oldKey]);
  const sealedDuring = rotating.seal('tok_during', 'pm_b');

  assert.equal(rotating.open(sealedBefore, 'pm_a'), 'tok_before');
  assert.equal(createTokenCipher([newKey]).open(sealedDuring, 'pm_b'), 'tok_during');
  assert.equal(createTokenCipher([newKey]).open(sealedBefore, 'pm_a'), null);
});

test('a key is 32 bytes of base64', () => {
  assert.deepEqual(parseTokenKey(newKey.toString('base64')), newKey);
  assert.equal(parseTokenKey(Buffer.alloc(16).toString('base64')), null);
});
