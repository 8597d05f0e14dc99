import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../src/paths.ts';

// The repository stands alone: whoever clones it has everything its files refer to. No path may lead
// outside it, and no text may speak of design documents that are not in it: the product's contract is
// docs/product.md. The words are spelt in pieces here so that this file does not match itself.

/** Not part of the repository's own text: dependencies, git's store, the local stacks' data. */
const skipped = new Set(['node_modules', '.git', '.local']);

const foreignWords: { pattern: RegExp; instead: string }[] = [
  { pattern: new RegExp(`\\b${['se', 'ed'].join('')}s?\\b`, 'i'), instead: 'say what the thing is' },
  { pattern: new RegExp(`\\b${['bri', 'ef'].join('')}\\b`, 'i'), instead: 'link docs/product.md' },
];

/** A relative path: one or more `../` and what follows, up to a quote, bracket or space. */
const relativePath = /(?:\.\.\/)+[^\s'"`)\]>,;]*/g;
/** In Markdown only link targets count: a code example's paths are relative to some other file. */
const markdownLinkTarget = /\]\(((?:\.\.\/)+[^\s)#]*)/g;

interface TextFile {
  path: string;
  lines: string[];
}

function textFiles(dir = repoRoot): TextFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skipped.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return textFiles(path);
    if (!entry.isFile()) return [];
    const content = readFileSync(path);
    if (content.includes(0)) return []; // binary
    return [{ path: relative(repoRoot, path), lines: content.toString('utf8').split('\n') }];
  });
}

/** `file:line: text` for every line of `files` that `find` reports on. */
function findings(files: TextFile[], find: (line: string, file: string) => string | undefined): string[] {
  return files.flatMap((file) =>
    file.lines.flatMap((line, index) => {
      const found = find(line, file.path);
      return found === undefined ? [] : [`${file.path}:${index + 1}: ${found}`];
    }),
  );
}

describe('the repository', () => {
  const files = textFiles();

  test('is read file by file, its dependencies and local data left out', () => {
    assert.ok(files.length > 100, `found ${files.length} files under ${repoRoot}`);
  });

  test('has no path that leads outside it', () => {
    const outside = findings(files, (line, file) => {
      const paths = file.endsWith('.md')
        ? [...line.matchAll(markdownLinkTarget)].map((match) => match[1] ?? '')
        : [...line.matchAll(relativePath)].map((match) => match[0]);
      const escaping = paths.filter((path) => {
        const target = resolve(repoRoot, dirname(file), path);
        return target !== repoRoot && !target.startsWith(repoRoot + sep);
      });
      return escaping.length === 0 ? undefined : escaping.join(', ');
    });
    assert.deepEqual(outside, [], 'paths outside the repository: move what they point at into it');
  });

  test('speaks of the product, not of documents it does not contain', () => {
    const foreign = findings(files, (line) => {
      const word = foreignWords.find(({ pattern }) => pattern.test(line));
      return word === undefined ? undefined : `"${line.trim()}" (${word.instead})`;
    });
    assert.deepEqual(foreign, [], 'texts that speak of documents outside the repository');
  });
});
