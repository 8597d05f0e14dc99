import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statementName, withStatementName } from '../src/db/prepared.ts';

const nameOf = (text: string) => statementName(text);
const never = () => undefined;

describe('prepared statement names', () => {
  it('names a parameterized text after its command and a hash of the text', () => {
    const name = statementName('  insert into inbox (id) values ($1)');
    assert.match(name, /^INSERT [\w-]{16}$/);
    assert.equal(statementName('  insert into inbox (id) values ($1)'), name);
    assert.notEqual(statementName('insert into inbox (id) values ($1)'), name);
  });

  it('turns (text, values, callback) into a named config and keeps the callback', () => {
    const callback = () => {};
    const [config, rest] = withStatementName(['SELECT $1::int', [1], callback], nameOf);
    assert.deepEqual(config, { name: statementName('SELECT $1::int'), text: 'SELECT $1::int', values: [1] });
    assert.equal(rest, callback);
  });

  it('names a config with values, keeping its other fields', () => {
    const [config] = withStatementName([{ text: 'SELECT $1', values: ['a'], rowMode: 'array' }], nameOf);
    assert.deepEqual(config, {
      text: 'SELECT $1',
      values: ['a'],
      rowMode: 'array',
      name: statementName('SELECT $1'),
    });
  });

  it('leaves alone a text without values, a config named already, a submittable, and a text past the cap', () => {
    const submittable = { text: 'SELECT $1', values: [1], submit: () => {} };
    for (const args of [
      ['BEGIN'],
      [{ text: 'COMMIT' }],
      [{ name: 'inbox.record', text: 'SELECT $1', values: [1] }],
      [submittable],
    ]) {
      assert.deepEqual(withStatementName(args, nameOf), args);
    }
    assert.deepEqual(withStatementName(['SELECT $1', [1]], never), ['SELECT $1', [1]]);
  });
});
