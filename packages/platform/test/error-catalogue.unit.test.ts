import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { errorAnchor, errorCatalogueHtml, errorCatalogueMarkdown } from '../src/error-catalogue.ts';
import { type ErrorCode, errorCodes } from '../src/errors.ts';
import { problemTypeUri } from '../src/http/problem.ts';

const docUrl = new URL('../../../docs/errors.md', import.meta.url);
const committed = readFileSync(docUrl, 'utf8');
const codes = Object.keys(errorCodes) as ErrorCode[];

describe('the error catalogue', () => {
  test('every code of the registry says what it means and what the caller can do', () => {
    for (const code of codes) {
      assert.ok(errorCodes[code].meaning.trim().length > 0, `${code} has no meaning`);
      assert.ok(errorCodes[code].action.trim().length > 0, `${code} says nothing the caller can do`);
    }
  });

  test('docs/errors.md has an entry for every code', () => {
    const missing = codes.filter((code) => !committed.includes(`\n## ${code}\n`));
    assert.deepEqual(missing, [], `codes without an entry in docs/errors.md (npm run docs writes them)`);
  });

  test('docs/errors.md is what the registry makes of it', () => {
    assert.ok(committed === errorCatalogueMarkdown(), 'docs/errors.md is stale: npm run docs');
  });

  test("each code's problem type points at its entry, in the document and on the page", () => {
    const page = errorCatalogueHtml();
    for (const code of codes) {
      const [path, anchor] = problemTypeUri(code).split('#');
      assert.equal(path, '/api/errors', code);
      assert.equal(anchor, errorAnchor(code), code);
      assert.ok(
        committed.includes(`\`type\`: \`${problemTypeUri(code)}\``),
        `${code}'s entry names its type`,
      );
      assert.ok(page.includes(`<section id="${anchor}">`), `${code} has a section on the page`);
    }
  });

  test('the page escapes the texts and marks code as code', () => {
    const page = errorCatalogueHtml();
    assert.match(page, /<code>Retry-After<\/code>/);
    assert.doesNotMatch(page, /<accessToken>/);
  });
});
