import type { Env } from './env';
import { proxyMisconfigured as misconfigured } from './errors';
import { DEFAULT_STORE_TTL_SECONDS, MIN_STORE_TTL_SECONDS } from './limits';

/** Defaults for MODEL_ALIASES: OpenAI names clients ship with, mapped to comparable Workers AI models. */
export const DEFAULT_MODEL_ALIASES: Readonly<Record<string, string>> = {
  'gpt-3.5-turbo': '@cf/meta/llama-3.1-8b-instruct',
  'gpt-4o-mini': '@cf/meta/llama-3.1-8b-instruct',
  'gpt-4.1-mini': '@cf/meta/llama-3.1-8b-instruct',
  'gpt-4': '@cf/meta/llama-3.3-70b-instruct-fp8-fast',
  'gpt-4o': '@cf/meta/llama-3.3-70b-instruct-fp8-fast',
  'gpt-4.1': '@cf/meta/llama-4-scout-17b-16e-instruct',
  'o1-mini': '@cf/qwen/qwq-32b',
  'o3-mini': '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b',
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

export interface Config {
  apiKeys: readonly string[];
  allowAnonymous: boolean;
  allowedOrigins: '*' | readonly string[];
  aliases: Readonly<Record<string, string>>;
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

function parseAliases(raw: string | undefined): Record<string, string> {
  if (!raw?.trim()) return DEFAULT_MODEL_ALIASES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw misconfigured('MODEL_ALIASES is not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw misconfigured('MODEL_ALIASES must be a JSON object of name -> model id.');
  }
  const merged: Record<string, string> = { ...DEFAULT_MODEL_ALIASES };
  for (const [name, target] of Object.entries(parsed)) {
    if (typeof target !== 'string') throw misconfigured(`MODEL_ALIASES["${name}"] must be a string.`);
    if (target === '') delete merged[name];
    else merged[name] = target;
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
    ragChatModel: env.RAG_CHAT_MODEL?.trim() || '@cf/meta/llama-3.1-8b-instruct',
    ...ragChunking(env),
    responsesStoreTtlSeconds: storeTtl(env.RESPONSES_STORE_TTL_SECONDS),
  };
}
