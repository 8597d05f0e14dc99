import type { JsonSchema } from './document.ts';

// How a message's JSON Schema changed, in the terms that matter to its consumers. A message must stay
// readable by consumers built on either version: they are deployed one by one, and a topic keeps the
// messages written before the change (a compacted one for ever). Hence two ways to break:
//   narrowed — the new schema refuses what the old one accepted: messages already on the topic fail
//              in consumers built on the new version (a type, a removed enum value, a tighter bound,
//              a new required field);
//   widened  — the new schema accepts what the old one refused, or drops a field it required:
//              consumers built on the old version fail on the new messages.
// Adding an optional field or removing one is neither: the readers are tolerant of unknown fields.

export interface SchemaChange {
  /** e.g. `payload.order.items[].quantity` */
  path: string;
  change: string;
  breaks: 'narrowed' | 'widened';
}

type Bound = { value: number; exclusive: boolean } | undefined;

export function schemaChanges(before: JsonSchema, after: JsonSchema, path: string): SchemaChange[] {
  return [
    ...typeChanges(before, after, path),
    ...valueChanges(before, after, path),
    ...boundChanges(before, after, path),
    ...ruleChanges(before, after, path),
    ...propertyChanges(before, after, path),
    ...itemChanges(before, after, path),
    ...alternativeChanges(before, after, path),
  ];
}

function typeChanges(before: JsonSchema, after: JsonSchema, path: string): SchemaChange[] {
  const was = typesOf(before);
  const now = typesOf(after);
  const lost = [...was].filter((type) => !accepts(now, type));
  const gained = [...now].filter((type) => !accepts(was, type));
  return [
    ...lost.map((type) => narrowed(path, `no longer accepts ${type}`)),
    ...gained.map((type) => widened(path, `now also accepts ${type}`)),
  ];
}

/** The JSON types a schema accepts; `any` when it does not say. */
function typesOf(schema: JsonSchema): Set<string> {
  const type = schema.type;
  if (type === undefined) return new Set(['any']);
  return new Set(Array.isArray(type) ? (type as string[]) : [String(type)]);
}

function accepts(types: Set<string>, type: string): boolean {
  return types.has('any') || types.has(type) || (type === 'integer' && types.has('number'));
}

function valueChanges(before: JsonSchema, after: JsonSchema, path: string): SchemaChange[] {
  const was = valuesOf(before);
  const now = valuesOf(after);
  if (was === undefined && now === undefined) return [];
  if (was === undefined) return [narrowed(path, `only ${[...(now ?? [])].join(', ')} now`)];
  if (now === undefined) return [widened(path, `any value now, was only ${[...was].join(', ')}`)];
  return [
    ...[...was].filter((value) => !now.has(value)).map((value) => narrowed(path, `value ${value} removed`)),
    ...[...now].filter((value) => !was.has(value)).map((value) => widened(path, `value ${value} added`)),
  ];
}

/** `const` and `enum` as one set of JSON texts; undefined when any value of the type goes. */
function valuesOf(schema: JsonSchema): Set<string> | undefined {
  if ('const' in schema) return new Set([JSON.stringify(schema.const)]);
  if (Array.isArray(schema.enum)) return new Set(schema.enum.map((value) => JSON.stringify(value)));
  return undefined;
}

const lowerBounds = [
  ['minimum', 'exclusiveMinimum'],
  ['minLength', undefined],
  ['minItems', undefined],
] as const;
const upperBounds = [
  ['maximum', 'exclusiveMaximum'],
  ['maxLength', undefined],
  ['maxItems', undefined],
] as const;

function boundChanges(before: JsonSchema, after: JsonSchema, path: string): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const [side, pairs] of [
    ['lower', lowerBounds],
    ['upper', upperBounds],
  ] as const) {
    for (const [inclusive, exclusive] of pairs) {
      const was = boundOf(before, inclusive, exclusive);
      const now = boundOf(after, inclusive, exclusive);
      const order = side === 'lower' ? tighterLower(was, now) : tighterLower(negated(was), negated(now));
      if (order === 0) continue;
      const change = `${inclusive} ${boundText(was, side)} → ${boundText(now, side)}`;
      changes.push(order > 0 ? narrowed(path, change) : widened(path, change));
    }
  }
  return changes;
}

function boundOf(schema: JsonSchema, inclusive: string, exclusive: string | undefined): Bound {
  const strict = exclusive === undefined ? undefined : schema[exclusive];
  if (typeof strict === 'number') return { value: strict, exclusive: true };
  const value = schema[inclusive];
  return typeof value === 'number' ? { value, exclusive: false } : undefined;
}

function negated(bound: Bound): Bound {
  return bound === undefined ? undefined : { value: -bound.value, exclusive: bound.exclusive };
}

/** > 0 when `after` is the tighter lower bound, < 0 when it is the looser one, 0 when they are the same. */
function tighterLower(before: Bound, after: Bound): number {
  if (before === undefined || after === undefined) return (after ? 1 : 0) - (before ? 1 : 0);
  if (before.value !== after.value) return after.value - before.value;
  return Number(after.exclusive) - Number(before.exclusive);
}

/** `none`, `5`, or `> 0` for an exclusive bound. */
function boundText(bound: Bound, side: 'lower' | 'upper'): string {
  if (bound === undefined) return 'none';
  if (!bound.exclusive) return String(bound.value);
  return `${side === 'lower' ? '>' : '<'} ${bound.value}`;
}

/** A pattern or format that appears narrows, one that goes widens, one that changes does both. */
function ruleChanges(before: JsonSchema, after: JsonSchema, path: string): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const keyword of ['pattern', 'format', '$ref']) {
    const was = before[keyword];
    const now = after[keyword];
    if (was === now) continue;
    const change = `${keyword} ${JSON.stringify(was ?? 'none')} → ${JSON.stringify(now ?? 'none')}`;
    if (now !== undefined) changes.push(narrowed(path, change));
    if (was !== undefined) changes.push(widened(path, change));
  }
  return changes;
}

function propertyChanges(before: JsonSchema, after: JsonSchema, path: string): SchemaChange[] {
  const was = propertiesOf(before);
  const now = propertiesOf(after);
  const wasRequired = requiredOf(before);
  const nowRequired = requiredOf(after);
  const changes: SchemaChange[] = [];
  for (const [name, schema] of Object.entries(was)) {
    const field = join(path, name);
    const next = now[name];
    if (next === undefined) {
      if (wasRequired.has(name)) changes.push(widened(field, 'required field removed (or renamed)'));
      continue;
    }
    if (wasRequired.has(name) && !nowRequired.has(name)) changes.push(widened(field, 'no longer required'));
    if (!wasRequired.has(name) && nowRequired.has(name)) changes.push(narrowed(field, 'now required'));
    changes.push(...schemaChanges(schema, next, field));
  }
  for (const name of Object.keys(now)) {
    if (!(name in was) && nowRequired.has(name))
      changes.push(narrowed(join(path, name), 'new required field'));
  }
  return changes;
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  return (schema.properties ?? {}) as Record<string, JsonSchema>;
}

function requiredOf(schema: JsonSchema): Set<string> {
  return new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
}

function itemChanges(before: JsonSchema, after: JsonSchema, path: string): SchemaChange[] {
  if (before.items === undefined && after.items === undefined) return [];
  const item = (schema: JsonSchema) => (schema.items ?? {}) as JsonSchema;
  return schemaChanges(item(before), item(after), `${path}[]`);
}

/** Unions (`anyOf`, `oneOf`) are compared alternative by alternative, in order. */
function alternativeChanges(before: JsonSchema, after: JsonSchema, path: string): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const was = (before[keyword] ?? []) as JsonSchema[];
    const now = (after[keyword] ?? []) as JsonSchema[];
    if (was.length !== now.length) {
      const change = `${keyword} has ${now.length} alternatives, had ${was.length}`;
      changes.push(narrowed(path, change), widened(path, change));
      continue;
    }
    was.forEach((alternative, i) => {
      changes.push(...schemaChanges(alternative, now[i] ?? {}, `${path}(${keyword} ${i})`));
    });
  }
  return changes;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function narrowed(path: string, change: string): SchemaChange {
  return { path, change, breaks: 'narrowed' };
}

function widened(path: string, change: string): SchemaChange {
  return { path, change, breaks: 'widened' };
}
