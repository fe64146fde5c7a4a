// Bindings the test pool provides (vitest.config.ts miniflare options).
declare namespace Cloudflare {
  interface Env {
    RATE_LIMITER: RateLimit;
    RESPONSE_CACHE_KV: KVNamespace;
    RESPONSES_STORE_KV: KVNamespace;
    RAG_DB: D1Database;
  }
}
