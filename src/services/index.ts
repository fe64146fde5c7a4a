import { parseConfig, type Config } from '../config';
import type { Env } from '../env';
import { Catalog } from './models/catalog';
import { ImageStore } from './images/store';
import type { RequestScope } from './scope';
import { createResponsesStore, type ResponsesStore } from './responses/store';
import { createRag, type RagSetup } from './rag';
import { offlineKitOf } from './offline';
import { withGatewayMetadata } from './upstream/metadata';
import { createManagedKeys, type ManagedKeys } from './keys';
import { createUpstream, transportKind, type TransportKind, type Upstream } from './upstream';

/** Everything a route needs, built once per environment and kept for the isolate's life. */
export interface Services {
  config: Config;
  transport: TransportKind;
  upstream: Upstream;
  catalog: Catalog;
  /** Where `response_format: "url"` images are kept, when IMAGES_BUCKET is bound. */
  images?: ImageStore;
  /** The RAG stores (VECTORIZE + RAG_DB, or in-memory on the emulator), or which bindings are missing. */
  rag: RagSetup;
  /** Stored responses (RESPONSES_STORE, or in-memory on the emulator); undefined = nothing is stored. */
  responsesStore?: ResponsesStore;
  /** Managed keys (KEYS + KEY_LEDGER bound); undefined = off. */
  keys?: ManagedKeys;
  /** The current request's scope: set per request on a copy of these services (see forRequest). */
  request?: RequestScope;
}

/** These services for one request: the same shared parts, with the request's scope (and, through a gateway, its metadata on every run). */
export const forRequest = (services: Services, request: RequestScope): Services => ({
  ...services,
  request,
  ...(services.config.gateway && { upstream: withGatewayMetadata(services.upstream, request) }),
});

const byEnv = new WeakMap<object, Services>();

export function getServices(env: Env): Services {
  let services = byEnv.get(env);
  if (!services) {
    const config = parseConfig(env);
    const transport = transportKind(env);
    // The emulator and the in-memory stores exist only where the dev entry attached them.
    const offline = transport === 'emulator' ? offlineKitOf(env) : undefined;
    const upstream = createUpstream(env, config, offline);
    services = { config, transport, upstream, catalog: new Catalog(upstream, config.catalogTtlMs, config.aliases, transport), rag: createRag(env, offline) };
    services.responsesStore = createResponsesStore(env.RESPONSES_STORE, offline?.memoryKv(), config.responsesStoreTtlSeconds);
    services.keys = createManagedKeys(env);
    if (env.IMAGES_BUCKET) services.images = new ImageStore(env.IMAGES_BUCKET, config.imageUrlTtlMs);
    byEnv.set(env, services);
  }
  return services;
}
