import type { Env } from './env';
import { proxyMisconfigured as misconfigured } from './errors';
import { DEFAULT_STORE_TTL_SECONDS, MIN_STORE_TTL_SECONDS } from './limits';

/** An alias's target: one model id, or a replacement chain tried in order (the first live one answers). */
export type AliasTarget = string | readonly string[];

/**
 * Defaults for MODEL_ALIASES: OpenAI names clients ship with, mapped to comparable live Workers AI
 * models (none retired or paid-only, per ../shared/workers-ai-models), each chain ending in a
 * model Cloudflare's changelog recommends as a replacement (glm-4.7-flash, gemma-4-26b-a4b-it).
 */
export const DEFAULT_MODEL_ALIASES: Readonly<Record<string, AliasTarget>> = {
  // llama-3.1-8b-instruct (the old default) was retired on 2026-05-30; -fast is its live successor.
  'gpt-3.5-turbo': ['@cf/meta/llama-3.1-8b-instruct-fast', '@cf/zai-org/glm-4.7-flash'],
  'gpt-4o-mini': ['@cf/meta/llama-3.1-8b-instruct-fast', '@cf/zai-org/glm-4.7-flash'],
  'gpt-4.1-mini': ['@cf/meta/llama-3.1-8b-instruct-fast', '@cf/zai-org/glm-4.7-flash'],
  'gpt-4': ['@cf/meta/llama-3.3-70b-instruct-fp8-fast', '@cf/google/gemma-4-26b-a4b-it'],
  'gpt-4o': ['@cf/meta/llama-3.3-70b-instruct-fp8-fast', '@cf/google/gemma-4-26b-a4b-it'],
  'gpt-4.1': ['@cf/meta/llama-4-scout-17b-16e-instruct', '@cf/google/gemma-4-26b-a4b-it'],
  'o1-mini': ['@cf/qwen/qwq-32b', '@cf/zai-org/glm-4.7-flash'],
  'o3-mini': ['@cf/deepseek-ai/deepseek-r1-distill-qwen-32b', '@cf/zai-org/glm-4.7-flash'],
  'gpt-oss-120b': '@cf/openai/gpt-oss-120b',
  'gpt-oss-20b': '@cf/openai/gpt-oss-20b',
  'text-embedding-ada-002': '@cf/baai/bge-base-en-v1.5',
  'text-embedding-3-small': '@cf/baai/bge-small-en-v1.5',
  'text-embedding-3-large': '@cf/baai/bge-large-en-v1.5',
  'dall-e-2': '@cf/stabilityai/stable-diffusion-xl-base-1.0',
  'dall-e-3': '@cf/black-forest-labs/flux-1-schnell',
  'gpt-image-1': '@cf/black-forest-labs/flux-1-schnell',
  'whisper-1': '@cf/openai/whisper-large-v3-turbo',
  'tts-1': '@cf/myshell-ai/melotts',
  'tts-1-hd': '@cf/myshell-ai/melotts',
  'omni-moderation-latest': '@cf/meta/llama-guard-3-8b',
  'text-moderation-latest': '@cf/meta/llama-guard-3-8b',
};

/**
 * Defaults for ANTHROPIC_MODEL_MAP: what a `claude-*` name runs, by family (the word in the name);
 * `claude` is for any other claude-* name. Free live tool-calling models with large context
 * windows (Claude Code's prompt alone is over 10k tokens): see ../shared/workers-ai-models/LIFECYCLE.md.
 */
export const DEFAULT_CLAUDE_MODELS: Readonly<Record<ClaudeFamily, string>> = {
  opus: '@cf/nvidia/nemotron-3-120b-a12b',
  sonnet: '@cf/zai-org/glm-4.7-flash',
  haiku: '@cf/google/gemma-4-26b-a4b-it',
  claude: '@cf/zai-org/glm-4.7-flash',
};
/**
 * Defaults for AUTO_MODELS: what `model: "auto"` tries first for each need, all live and free
 * (../shared/workers-ai-models): a fast small model, a vision model (gemma-4 also calls tools and
 * reasons, in 256k tokens of context), a tool caller, a reasoning model that takes reasoning_effort.
 */
export const DEFAULT_AUTO_MODELS: Readonly<Record<AutoNeed, readonly string[]>> = {
  default: ['@cf/meta/llama-3.1-8b-instruct-fast', '@cf/zai-org/glm-4.7-flash'],
  vision: ['@cf/google/gemma-4-26b-a4b-it', '@cf/meta/llama-4-scout-17b-16e-instruct'],
  tools: ['@cf/zai-org/glm-4.7-flash', '@cf/meta/llama-3.3-70b-instruct-fp8-fast'],
  reasoning: ['@cf/openai/gpt-oss-120b', '@cf/zai-org/glm-4.7-flash'],
};
export const AUTO_NEEDS = ['default', 'vision', 'tools', 'reasoning'] as const;
export type AutoNeed = (typeof AUTO_NEEDS)[number];

export const CLAUDE_FAMILIES = ['opus', 'sonnet', 'haiku', 'claude'] as const;
export type ClaudeFamily = (typeof CLAUDE_FAMILIES)[number];

export interface Config {
  apiKeys: readonly string[];
  allowAnonymous: boolean;
  allowedOrigins: '*' | readonly string[];
  aliases: Readonly<Record<string, AliasTarget>>;
  maxBodyBytes: number;
  catalogTtlMs: number;
  defaultMaxTokens: number;
  logRequests: boolean;
  rateLimitPeriodSeconds: number;
  responseCacheTtlSeconds: number;
  gateway?: { id: string; skipCache?: boolean; cacheTtl?: number };
  defaultImageModel: string;
  /** Sent when the client gives no size; undefined = each model's own default. */
  defaultImageSize?: { width: number; height: number };
  maxImageCount: number;
  /** 0 = stored image URLs never expire. */
  imageUrlTtlMs: number;
  ragEmbeddingModel: string;
  ragChatModel: string;
  ragChunkSize: number;
  ragChunkOverlap: number;
  /** How long stored responses are kept (KV expirationTtl). */
  responsesStoreTtlSeconds: number;
  /** Longest wait for an upstream answer's first byte (a whole non-stream answer), in ms. */
  upstreamTimeoutMs: number;
  /** Longest wait between two events of an upstream stream, in ms. */
  upstreamIdleTimeoutMs: number;
  /** Outbound fetches of URL inputs (image_url): how many one request may name, their total bytes, how many at once. */
  urlInputs: { maxCount: number; maxTotalBytes: number; concurrency: number };
  /** The Workers AI model a `claude-*` name runs, by family. */
  claudeModels: Readonly<Record<ClaudeFamily, string>>;
  /** What `model: "auto"` tries first, by what the request needs. */
  autoModels: Readonly<Record<AutoNeed, readonly string[]>>;
  /** The admin API's key (ADMIN_API_KEY); undefined = the admin API is off. */
  adminApiKey?: string;
}

/** Bounds of a chunk size (characters), for RAG_CHUNK_SIZE and the request's chunk_size. */
export const RAG_CHUNK_MIN = 100;
export const RAG_CHUNK_MAX = 8000;

/** The most MAX_IMAGE_COUNT may be: that many upstream runs go out at once for one request. */
export const HARD_MAX_IMAGE_COUNT = 4;

const MiB = 1024 * 1024;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw misconfigured(`${name} must be a positive integer.`);
  return n;
}

function parseAliases(raw: string | undefined): Readonly<Record<string, AliasTarget>> {
  if (!raw?.trim()) return DEFAULT_MODEL_ALIASES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw misconfigured('MODEL_ALIASES is not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw misconfigured('MODEL_ALIASES must be a JSON object of name -> model id (or an array of ids, tried in order).');
  }
  const merged: Record<string, AliasTarget> = { ...DEFAULT_MODEL_ALIASES };
  for (const [name, target] of Object.entries(parsed)) {
    const chain = Array.isArray(target) ? target : [target];
    if (!chain.every((t) => typeof t === 'string' && (t !== '' || chain.length === 1))) {
      throw misconfigured(`MODEL_ALIASES["${name}"] must be a model id or an array of model ids.`);
    }
    // "" (or []) removes a default alias.
    if (chain.length === 0 || chain[0] === '') delete merged[name];
    else merged[name] = Array.isArray(target) ? (chain as string[]) : (target as string);
  }
  return merged;
}

function parseClaudeModels(raw: string | undefined): Record<ClaudeFamily, string> {
  const merged = { ...DEFAULT_CLAUDE_MODELS };
  if (!raw?.trim()) return merged;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw misconfigured('ANTHROPIC_MODEL_MAP is not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw misconfigured(`ANTHROPIC_MODEL_MAP must be a JSON object with keys among ${CLAUDE_FAMILIES.join(', ')}.`);
  }
  for (const [family, target] of Object.entries(parsed)) {
    if (!(CLAUDE_FAMILIES as readonly string[]).includes(family)) {
      throw misconfigured(`ANTHROPIC_MODEL_MAP key "${family}" is not one of ${CLAUDE_FAMILIES.join(', ')} (exact names go in MODEL_ALIASES).`);
    }
    if (typeof target !== 'string' || !target.trim()) throw misconfigured(`ANTHROPIC_MODEL_MAP["${family}"] must be a model id.`);
    merged[family as ClaudeFamily] = target.trim();
  }
  return merged;
}

function parseAutoModels(raw: string | undefined): Record<AutoNeed, readonly string[]> {
  const merged = { ...DEFAULT_AUTO_MODELS };
  if (!raw?.trim()) return merged;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw misconfigured('AUTO_MODELS is not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw misconfigured(`AUTO_MODELS must be a JSON object with keys among ${AUTO_NEEDS.join(', ')}.`);
  for (const [need, target] of Object.entries(parsed)) {
    const ids = Array.isArray(target) ? target : [target];
    if (!(AUTO_NEEDS as readonly string[]).includes(need) || !ids.every((t) => typeof t === 'string' && t.trim())) {
      throw misconfigured(`AUTO_MODELS["${need}"]: keys are ${AUTO_NEEDS.join(', ')}, each a model id or an array of ids.`);
    }
    merged[need as AutoNeed] = (ids as string[]).map((t) => t.trim());
  }
  return merged;
}

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function parseGateway(env: Env): Config['gateway'] {
  const id = env.AI_GATEWAY_ID?.trim();
  if (!id) return undefined;
  const cacheTtl = env.AI_GATEWAY_CACHE_TTL?.trim() ? positiveInt('AI_GATEWAY_CACHE_TTL', env.AI_GATEWAY_CACHE_TTL, 0) : undefined;
  return {
    id,
    ...(env.AI_GATEWAY_SKIP_CACHE?.trim().toLowerCase() === 'true' && { skipCache: true }),
    ...(cacheTtl !== undefined && { cacheTtl }),
  };
}

function imageSize(raw: string | undefined): { width: number; height: number } | undefined {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'auto') return undefined;
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(value);
  if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) throw misconfigured('DEFAULT_IMAGE_SIZE must be WIDTHxHEIGHT (e.g. 1024x1024) or auto.');
  return { width: Number(match[1]), height: Number(match[2]) };
}

function imageCount(raw: string | undefined): number {
  const n = positiveInt('MAX_IMAGE_COUNT', raw, 1);
  if (n > HARD_MAX_IMAGE_COUNT) throw misconfigured(`MAX_IMAGE_COUNT must be between 1 and ${HARD_MAX_IMAGE_COUNT}.`);
  return n;
}

/** A positive number of seconds (fractions allowed), as milliseconds. */
function positiveSeconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback * 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw misconfigured(`${name} must be a positive number of seconds.`);
  return Math.round(n * 1000);
}

function seconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw misconfigured(`${name} must be a whole number of seconds (0 or more).`);
  return n;
}

function ragChunking(env: Env): { ragChunkSize: number; ragChunkOverlap: number } {
  const size = positiveInt('RAG_CHUNK_SIZE', env.RAG_CHUNK_SIZE, 1000);
  if (size < RAG_CHUNK_MIN || size > RAG_CHUNK_MAX) throw misconfigured(`RAG_CHUNK_SIZE must be between ${RAG_CHUNK_MIN} and ${RAG_CHUNK_MAX} characters.`);
  const raw = env.RAG_CHUNK_OVERLAP?.trim();
  const overlap = raw ? Number(raw) : Math.floor(size / 5);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) {
    throw misconfigured('RAG_CHUNK_OVERLAP must be a whole number of characters, smaller than RAG_CHUNK_SIZE.');
  }
  return { ragChunkSize: size, ragChunkOverlap: overlap };
}

/** KV refuses an expirationTtl under 60 seconds. */
function storeTtl(raw: string | undefined): number {
  const n = positiveInt('RESPONSES_STORE_TTL_SECONDS', raw, DEFAULT_STORE_TTL_SECONDS);
  if (n < MIN_STORE_TTL_SECONDS) throw misconfigured(`RESPONSES_STORE_TTL_SECONDS must be at least ${MIN_STORE_TTL_SECONDS} (KV's shortest expiry).`);
  return n;
}

export function parseConfig(env: Env): Config {
  const origins = list(env.ALLOWED_ORIGINS);
  return {
    apiKeys: list(env.PROXY_API_KEY),
    allowAnonymous: env.ALLOW_ANONYMOUS?.trim().toLowerCase() === 'true',
    allowedOrigins: origins.length === 0 || origins.includes('*') ? '*' : origins,
    aliases: parseAliases(env.MODEL_ALIASES),
    maxBodyBytes: positiveInt('MAX_BODY_BYTES', env.MAX_BODY_BYTES, 32 * MiB),
    catalogTtlMs: positiveInt('CATALOG_TTL_SECONDS', env.CATALOG_TTL_SECONDS, 300) * 1000,
    defaultMaxTokens: positiveInt('DEFAULT_MAX_TOKENS', env.DEFAULT_MAX_TOKENS, 2048),
    logRequests: env.LOG_REQUESTS?.trim().toLowerCase() !== 'false',
    rateLimitPeriodSeconds: positiveInt('RATE_LIMIT_PERIOD_SECONDS', env.RATE_LIMIT_PERIOD_SECONDS, 60),
    gateway: parseGateway(env),
    responseCacheTtlSeconds: env.RESPONSE_CACHE_TTL_SECONDS?.trim() === '0' ? 0 : positiveInt('RESPONSE_CACHE_TTL_SECONDS', env.RESPONSE_CACHE_TTL_SECONDS, 0),
    defaultImageModel: env.DEFAULT_IMAGE_MODEL?.trim() || '@cf/black-forest-labs/flux-1-schnell',
    defaultImageSize: imageSize(env.DEFAULT_IMAGE_SIZE),
    maxImageCount: imageCount(env.MAX_IMAGE_COUNT),
    imageUrlTtlMs: seconds('IMAGE_URL_TTL_SECONDS', env.IMAGE_URL_TTL_SECONDS, 3600) * 1000,
    ragEmbeddingModel: env.RAG_EMBEDDING_MODEL?.trim() || '@cf/baai/bge-base-en-v1.5',
    ragChatModel: env.RAG_CHAT_MODEL?.trim() || '@cf/meta/llama-3.1-8b-instruct-fast',
    ...ragChunking(env),
    responsesStoreTtlSeconds: storeTtl(env.RESPONSES_STORE_TTL_SECONDS),
    upstreamTimeoutMs: positiveSeconds('UPSTREAM_TIMEOUT_SECONDS', env.UPSTREAM_TIMEOUT_SECONDS, 120),
    upstreamIdleTimeoutMs: positiveSeconds('UPSTREAM_IDLE_TIMEOUT_SECONDS', env.UPSTREAM_IDLE_TIMEOUT_SECONDS, 60),
    urlInputs: {
      maxCount: positiveInt('MAX_URL_INPUTS', env.MAX_URL_INPUTS, 8),
      maxTotalBytes: positiveInt('MAX_URL_INPUT_BYTES', env.MAX_URL_INPUT_BYTES, 20 * MiB),
      concurrency: positiveInt('URL_FETCH_CONCURRENCY', env.URL_FETCH_CONCURRENCY, 4),
    },
    claudeModels: parseClaudeModels(env.ANTHROPIC_MODEL_MAP),
    autoModels: parseAutoModels(env.AUTO_MODELS),
    adminApiKey: env.ADMIN_API_KEY?.trim() || undefined,
  };
}
