import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { canonicalJson, fingerprint, unreachable } from '../src/pure/index.ts';

const pureDir = new URL('../src/pure/', import.meta.url);

describe('the pure part of the kit', () => {
  test('imports nothing but node:crypto and its own files, so domain code can use it', () => {
    for (const file of readdirSync(pureDir)) {
      const source = readFileSync(new URL(file, pureDir), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      for (const name of imports)
        assert.ok(name === 'node:crypto' || name?.startsWith('./'), `${file}: ${name}`);
    }
  });

  test('canonicalJson sorts keys at every depth, keeps array order and drops undefined fields', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } }), '{"a":{"d":[2,1]},"b":1}');
    assert.equal(fingerprint({ a: 1, b: 2 }), fingerprint({ b: 2, a: 1 }));
    assert.notEqual(fingerprint({ items: [1, 2] }), fingerprint({ items: [2, 1] }));
  });

  test('canonicalJson refuses what JSON cannot represent exactly', () => {
    assert.throws(() => canonicalJson({ total: Number.NaN }), /cannot fingerprint the number NaN/);
    assert.throws(() => canonicalJson({ total: 1n }), /cannot fingerprint a value of type bigint/);
  });

  test('unreachable names the value it was given', () => {
    assert.throws(() => unreachable('surprise' as never), /unexpected value: "surprise"/);
  });
});
