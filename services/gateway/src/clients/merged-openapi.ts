import {
  type GatewayInfo,
  type MergedDocument,
  mergeOpenApi,
  type ServiceDocument,
} from '../domain/openapi-merge.ts';
import type { ServiceUpstreams } from './upstreams.ts';

/**
 * The API document of the whole system, built from the services' own `/openapi.json`. Cached for
 * `cacheMs`, so a docs page reload does not fan out to every service; callers arriving while it is
 * being rebuilt share that one rebuild. A service that does not answer is left out (and named in
 * `x-microshop-services.unavailable`) rather than failing the whole document.
 */

export interface MergedOpenApiOptions {
  info: GatewayInfo;
  cacheMs: number;
  /** Per service: how long one instance may take to hand over its document. */
  fetchTimeoutMs: number;
  /** The paths the gateway answers (default all): the document shows only what a client can reach. */
  routed?: (path: string) => boolean;
  now?: () => number;
}

export class MergedOpenApi {
  readonly #sources: () => readonly ServiceUpstreams[];
  readonly #options: MergedOpenApiOptions;
  readonly #now: () => number;
  #cached: { document: MergedDocument; builtAt: number } | undefined;
  #building: Promise<MergedDocument> | undefined;

  constructor(sources: () => readonly ServiceUpstreams[], options: MergedOpenApiOptions) {
    this.#sources = sources;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The document, rebuilt when the cached one is older than `cacheMs`. */
  async get(): Promise<MergedDocument> {
    const cached = this.#cached;
    if (cached !== undefined && this.#now() - cached.builtAt < this.#options.cacheMs) return cached.document;
    this.#building ??= this.#build().finally(() => {
      this.#building = undefined;
    });
    return this.#building;
  }

  /** The last document built, without waiting; an empty one before the first build. */
  latest(): MergedDocument {
    return this.#cached?.document ?? mergeOpenApi(this.#options.info, [], []);
  }

  async #build(): Promise<MergedDocument> {
    const sources = this.#sources();
    const fetched = await Promise.all(sources.map((upstreams) => this.#fetchFrom(upstreams)));
    const documents = fetched.filter((doc): doc is ServiceDocument => doc !== undefined);
    const unavailable = sources.filter((_, i) => fetched[i] === undefined).map((s) => s.service);
    const document = mergeOpenApi(this.#options.info, documents, unavailable, this.#options.routed);
    this.#cached = { document, builtAt: this.#now() };
    return document;
  }

  /** The first healthy instance that hands over a document wins. */
  async #fetchFrom(upstreams: ServiceUpstreams): Promise<ServiceDocument | undefined> {
    for (const instance of upstreams.candidates()) {
      try {
        const response = await instance.pool.request({
          path: '/openapi.json',
          method: 'GET',
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(this.#options.fetchTimeoutMs),
        });
        if (response.statusCode !== 200) {
          await response.body.dump();
          continue;
        }
        return { service: upstreams.service, document: await response.body.json() };
      } catch {
        // Down, slow or not JSON: try the next instance; a service with none left is listed as unavailable.
      }
    }
    return undefined;
  }
}
