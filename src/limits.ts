/** Numeric bounds shared by config, schemas and services; a leaf module, so anyone may import it. */

/** KV's smallest expirationTtl: the floor of RESPONSES_STORE_TTL_SECONDS. */
export const MIN_STORE_TTL_SECONDS = 60;
/** OpenAI keeps stored responses 30 days. */
export const DEFAULT_STORE_TTL_SECONDS = 30 * 24 * 3600;
