/**
 * Merges the services' OpenAPI documents into the one the gateway serves. Services own disjoint
 * paths (the route table guarantees it), so a union of `paths` is the API as a client sees it;
 * `components` are unioned too, and a name defined twice (the shared `Problem` schema) keeps its
 * first definition because every service builds it from the same contract.
 */

export interface ServiceDocument {
  service: string;
  /** The parsed `/openapi.json` of one instance; anything not shaped like a document adds nothing. */
  document: unknown;
}

export interface GatewayInfo {
  title: string;
  version: string;
  description: string;
}

type JsonObject = Record<string, unknown>;

export interface MergedDocument {
  openapi: string;
  info: GatewayInfo;
  paths: Record<string, JsonObject>;
  components: Record<string, JsonObject>;
  tags: JsonObject[];
  /** Which configured services are in this document and which were down when it was built. */
  'x-microshop-services': { included: string[]; unavailable: string[] };
}

/**
 * `routed` keeps the paths the gateway answers: a service may serve more on its own port (the mail
 * sink's outage switch), which a client of the gateway cannot reach and must not be shown.
 */
export function mergeOpenApi(
  info: GatewayInfo,
  documents: readonly ServiceDocument[],
  unavailable: readonly string[],
  routed: (path: string) => boolean = () => true,
): MergedDocument {
  const merged: MergedDocument = {
    openapi: '3.1.0',
    info: { ...info },
    paths: {},
    components: {},
    tags: [],
    'x-microshop-services': { included: documents.map((d) => d.service), unavailable: [...unavailable] },
  };
  for (const { document } of documents) {
    if (!isObject(document)) continue;
    mergeTwoLevels(merged.paths, routedPaths(document.paths, routed));
    mergeTwoLevels(merged.components, document.components);
    mergeTags(merged.tags, document.tags);
  }
  return merged;
}

/** `target[a][b] ??= source[a][b]`: paths → methods, components → section → name. */
function mergeTwoLevels(target: Record<string, JsonObject>, source: unknown): void {
  if (!isObject(source)) return;
  for (const [outerKey, inner] of Object.entries(source)) {
    if (!isObject(inner) || outerKey === '__proto__') continue;
    const existing = (Object.hasOwn(target, outerKey) ? target[outerKey] : undefined) ?? {};
    for (const [innerKey, value] of Object.entries(inner)) {
      // A document is remote input: `__proto__` as a key must not reach an object's prototype.
      if (innerKey !== '__proto__' && !Object.hasOwn(existing, innerKey)) existing[innerKey] = value;
    }
    target[outerKey] = existing;
  }
}

function routedPaths(paths: unknown, routed: (path: string) => boolean): unknown {
  if (!isObject(paths)) return paths;
  return Object.fromEntries(Object.entries(paths).filter(([path]) => routed(path)));
}

function mergeTags(target: JsonObject[], source: unknown): void {
  if (!Array.isArray(source)) return;
  const known = new Set(target.map((tag) => tag.name));
  for (const tag of source) {
    if (!isObject(tag) || typeof tag.name !== 'string' || known.has(tag.name)) continue;
    known.add(tag.name);
    target.push(tag);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
