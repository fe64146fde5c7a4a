/**
 * The one interface every upstream transport implements. Each transport returns
 * exactly what the real `env.AI` binding returns, so services never care which
 * one is in use.
 */

/** A catalog entry, as `env.AI.models()` and REST `/ai/models/search` return it. */
export interface CatalogModel {
  /** Catalog UUID (not the model name). */
  id: string;
  /** The model id clients use, e.g. `@cf/meta/llama-3.1-8b-instruct-fast`. */
  name: string;
  description: string;
  task: { id: string; name: string; description: string };
  tags?: string[];
  created_at?: string;
  properties: { property_id: string; value: unknown }[];
}

/** `GET /ai/models/schema?model=` result: JSON schemas of the model's input and output. */
export interface ModelSchema {
  input: unknown;
  output: unknown;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** AI Gateway options, forwarded to the binding as-is. */
  gateway?: { id: string; skipCache?: boolean; cacheTtl?: number };
  /**
   * Prefix-cache routing key (the client's `prompt_cache_key`): the `x-session-affinity` header
   * over REST, `extraHeaders` on the binding, so requests sharing a prompt prefix meet one cache.
   */
  sessionAffinity?: string;
  /**
   * Fail at once with 3040 instead of waiting in Workers AI's capacity queue (`rejectIfBusy`,
   * changelog 2026-09-17): set when another model of a failover chain can answer instead.
   */
  rejectIfBusy?: boolean;
  /** AI Gateway metadata (key name, user, client metadata): at most 5 entries, sent only through a gateway. */
  metadata?: GatewayMetadata;
}

export type GatewayMetadata = Readonly<Record<string, string | number | boolean>>;

/** The header Workers AI routes prefix caching by. */
export const SESSION_AFFINITY_HEADER = 'x-session-affinity';

/**
 * What `run` resolves to, as the binding gives it:
 * - a JSON value (object) for non-streaming calls,
 * - a `ReadableStream<Uint8Array>` of SSE bytes when `inputs.stream` is true,
 * - a `ReadableStream<Uint8Array>` / `Uint8Array` of raw bytes for binary models (images, audio).
 */
export type RunResult = unknown;

export type TransportKind = 'binding' | 'rest' | 'emulator';

export interface Upstream {
  readonly kind: TransportKind;
  run(model: string, inputs: unknown, options?: RunOptions): Promise<RunResult>;
  models(): Promise<CatalogModel[]>;
  schema(model: string): Promise<ModelSchema | null>;
}

/**
 * An upstream failure, normalised by the transport: the Cloudflare error code when
 * one is known (e.g. 3040 capacity, 5007 no such model), and the HTTP status seen.
 * `message` is the upstream's text with any credential scrubbed.
 */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly code?: number,
    readonly status?: number,
    /** Seconds, from the upstream's Retry-After header. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}
