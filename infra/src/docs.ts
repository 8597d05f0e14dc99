// npm run docs → writes the documents generated from code: docs/errors.md from the kit's error registry
// (packages/platform/src/errors.ts). A test fails while the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCatalogueMarkdown } from '@microshop/platform';
import { repoRoot } from './paths.ts';

const path = join(repoRoot, 'docs', 'errors.md');
writeFileSync(path, errorCatalogueMarkdown());
console.log('Wrote docs/errors.md.');
