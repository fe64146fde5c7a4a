/** Bindings and variables the Worker reads. Every var is documented in docs/configuration.md. */
export interface Env {
  /** Workers AI binding (`[ai]` in wrangler.toml). */
  AI?: Ai;
  /** binding | rest | emulator; unset = binding if AI exists, else rest if a token is set, else emulator. */
  AI_TRANSPORT?: string;
  /** Emulator only: `free` makes paid-only models answer 403 / 5035 as on Workers Free (default: paid). */
  EMULATOR_PLAN?: string;
  CLOUDFLARE_API_BASE_URL?: string;
  CLOUDFLARE_ACCOUNT_ID?: string;
  CLOUDFLARE_API_TOKEN?: string;
  /** Comma-separated list of accepted client keys. */
  PROXY_API_KEY?: string;
  /** "true" lets the binding/REST transports serve without PROXY_API_KEY. */
  ALLOW_ANONYMOUS?: string;
  /** Comma-separated origins allowed by CORS, or "*" (default). */
  ALLOWED_ORIGINS?: string;
  /** JSON object mapping client model names to Workers AI ids, merged over the defaults. */
  MODEL_ALIASES?: string;
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES?: string;
  /** How long the model catalog is cached per isolate, in seconds. */
  CATALOG_TTL_SECONDS?: string;
  /** max_tokens sent upstream when the client sends none. */
  DEFAULT_MAX_TOKENS?: string;
  /** Cloudflare Rate Limiting binding (`[[ratelimits]]` in wrangler.toml); absent = no limit. */
  RATE_LIMITER?: RateLimit;
  /** The limiter's period in seconds (10 or 60, as configured on the binding), sent as Retry-After. */
  RATE_LIMIT_PERIOD_SECONDS?: string;
  /** AI Gateway id: every Workers AI call goes through this gateway (binding and REST). */
  AI_GATEWAY_ID?: string;
  /** "true" asks the gateway not to serve from its cache. */
  AI_GATEWAY_SKIP_CACHE?: string;
  /** Gateway cache TTL in seconds for these calls. */
  AI_GATEWAY_CACHE_TTL?: string;
  /** Gateway root for the REST transport (default https://gateway.ai.cloudflare.com/v1). */
  AI_GATEWAY_BASE_URL?: string;
  /** Seconds to cache deterministic responses; unset or 0 = no response cache. */
  RESPONSE_CACHE_TTL_SECONDS?: string;
  /** Optional KV namespace for the response cache (else the Cache API is used). */
  RESPONSE_CACHE?: KVNamespace;
  /** "false" silences the per-request log line. */
  LOG_REQUESTS?: string;
  /** Model for /v1/images/generations when the client names none. */
  DEFAULT_IMAGE_MODEL?: string;
  /** WIDTHxHEIGHT used when the client sends no size (and the model takes one). */
  DEFAULT_IMAGE_SIZE?: string;
  /** Largest `n` an image request may ask for (1-4). */
  MAX_IMAGE_COUNT?: string;
  /** How long stored image URLs stay valid, in seconds; 0 = no expiry. */
  IMAGE_URL_TTL_SECONDS?: string;
  /** Optional R2 bucket: with it, `response_format: "url"` returns /v1/images/files/{id} links instead of data URLs. */
  IMAGES_BUCKET?: R2Bucket;
  /** Vectorize index for /v1/rag/* (`[[vectorize]]` in wrangler.toml); V2 or legacy (V1) indexes. */
  VECTORIZE?: Vectorize | VectorizeIndex;
  /** D1 database holding the RAG chunk texts (`[[d1_databases]]`); its table is created on first use. */
  RAG_DB?: D1Database;
  /** Embedding model for RAG; its vector size must match the VECTORIZE index's dimensions. */
  RAG_EMBEDDING_MODEL?: string;
  /** Chat model for /v1/rag/chat when the request names none. */
  RAG_CHAT_MODEL?: string;
  /** Default chunk size (characters) and overlap for /v1/rag/documents. */
  RAG_CHUNK_SIZE?: string;
  RAG_CHUNK_OVERLAP?: string;
  /** Optional KV namespace for stored responses (`store: true`, item references, previous_response_id, GET/DELETE /v1/responses/{id}). */
  RESPONSES_STORE?: KVNamespace;
  /** How long stored responses are kept, in seconds (at least 60; default 30 days). */
  RESPONSES_STORE_TTL_SECONDS?: string;
  /** Longest wait for the upstream's first byte (for a non-stream call: the whole answer), in seconds; default 120. */
  UPSTREAM_TIMEOUT_SECONDS?: string;
  /** Longest wait between two events of an upstream stream, in seconds; default 60. */
  UPSTREAM_IDLE_TIMEOUT_SECONDS?: string;
  /** Most http(s) URL inputs (image_url) one request may name; default 8. */
  MAX_URL_INPUTS?: string;
  /** Most bytes all of one request's URL downloads may total; default 20 MiB. */
  MAX_URL_INPUT_BYTES?: string;
  /** How many of one request's URL downloads run at once; default 4. */
  URL_FETCH_CONCURRENCY?: string;
  /** JSON object mapping Claude model families (opus, sonnet, haiku, claude) to Workers AI ids, merged over the defaults. */
  ANTHROPIC_MODEL_MAP?: string;
  /** JSON object of `model: "auto"` preferences by need (default, vision, tools, reasoning): a model id or an array of ids each, merged over the defaults. */
  AUTO_MODELS?: string;
  /** Emulator only: JSON object `{"model id": code}`; that model's runs fail with the Workers AI code (3040, 5035, 5028, ...). */
  EMULATOR_FAULTS?: string;
  /** The Worker's static assets (`[assets]` in wrangler.toml: public/, built by scripts/build-docs.mjs): the pages of src/routes/pages.ts. */
  ASSETS?: Fetcher;
  /** KV namespace of managed key definitions (docs/operators.md); with KEY_LEDGER, managed keys are on. */
  KEYS?: KVNamespace;
  /** Durable Object namespace of the KeyLedger class: each managed key's spend counter, rpm window and ledger. */
  KEY_LEDGER?: DurableObjectNamespace;
  /** Secret for /admin/keys and /admin/usage; unset = the admin API answers 404. */
  ADMIN_API_KEY?: string;
}
