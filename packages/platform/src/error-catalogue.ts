import { type ErrorCode, type ErrorCodeSpec, errorCodes } from './errors.ts';

// The error catalogue, made from the registry in errors.ts and nothing else: docs/errors.md (written by
// `npm run docs`) and the page the gateway serves at /api/errors. Every problem+json `type` is
// `/api/errors#<code in lower case>`, the anchor of the code's entry in both.

/** Where the gateway serves the catalogue; a problem's `type` is this plus the code's anchor. */
export const errorCataloguePath = '/api/errors';

/** `NOT_FOUND` → `not_found`: the anchor GitHub gives the heading `## NOT_FOUND`, and the page's id. */
export function errorAnchor(code: ErrorCode): string {
  return code.toLowerCase();
}

interface Entry extends ErrorCodeSpec {
  code: ErrorCode;
}

function entries(): Entry[] {
  return (Object.keys(errorCodes) as ErrorCode[]).map((code) => ({ code, ...errorCodes[code] }));
}

const retriableText = (entry: Entry) => (entry.retriable ? 'retriable' : 'not retriable');

const introduction = [
  'Every error answer of the API is `application/problem+json` (RFC 9457): `status` and `code` to',
  'branch on, `title`, a `detail` for people, `errors` naming each offending field, and `instance`, the',
  'request id to quote in a report. Its `type` is `/api/errors#<code>`: the entry below, also served by',
  'the gateway as a page at `GET /api/errors`.',
  '',
  '*Retriable* means the same request can succeed when sent again later; a Kafka consumer retries a',
  'message whose handler failed with a retriable code and dead-letters one that failed with another.',
];

/** docs/errors.md */
export function errorCatalogueMarkdown(): string {
  const rows = entries().map(
    (e) =>
      `| [\`${e.code}\`](#${errorAnchor(e.code)}) | ${e.status} | ${e.title} | ${e.retriable ? 'yes' : 'no'} |`,
  );
  const sections = entries().flatMap((e) => [
    `## ${e.code}`,
    '',
    `**${e.status} ${e.title}** · ${retriableText(e)} · \`type\`: \`${errorCataloguePath}#${errorAnchor(e.code)}\``,
    '',
    `**What it means.** ${e.meaning}`,
    '',
    `**What you can do.** ${e.action}`,
    '',
  ]);
  return [
    '# Errors',
    '',
    '<!-- Generated from packages/platform/src/errors.ts by `npm run docs`: edit the registry, not this file. -->',
    '',
    ...introduction,
    '',
    '| code | status | title | retriable |',
    '|---|---|---|---|',
    ...rows,
    '',
    ...sections,
  ].join('\n');
}

/** The page at GET /api/errors: the same entries, each with the id a problem's `type` points at. */
export function errorCatalogueHtml(): string {
  const sections = entries().map(
    (e) => `<section id="${errorAnchor(e.code)}">
<h2>${e.code}</h2>
<p><strong>${e.status} ${html(e.title)}</strong> · ${retriableText(e)}</p>
<p><strong>What it means.</strong> ${inline(e.meaning)}</p>
<p><strong>What you can do.</strong> ${inline(e.action)}</p>
</section>`,
  );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>microshop errors</title></head>
<body>
<h1>Errors</h1>
<p>${inline(introduction.slice(0, 4).join(' '))}</p>
${sections.join('\n')}
</body>
</html>
`;
}

function html(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** The registry's texts mark code with backticks, as Markdown does. */
function inline(text: string): string {
  return html(text).replaceAll(/`([^`]+)`/g, '<code>$1</code>');
}
