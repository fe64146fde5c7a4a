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

/** The env's string settings (the bindings are objects). */
type Setting = { [K in keyof Env]-?: NonNullable<Env[K]> extends string ? K : never }[keyof Env];

/** A setting's trimmed text; undefined when unset or blank (a blank setting means its default). */
const textOf = (env: Env, name: Setting) => env[name]?.trim() || undefined;

/** A whole-number setting from `min` to `max` (unbounded when undefined); `fallback` when unset. */
function int(env: Env, name: Setting, fallback: number, min = 1, max?: number): number {
  const raw = textOf(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > (max ?? n)) throw misconfigured(`${name} must be an integer ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}.`);
  return n;
}

/** A positive number of seconds (fractions allowed), as milliseconds. */
function millis(env: Env, name: Setting, fallbackSeconds: number): number {
  const n = Number(textOf(env, name) ?? fallbackSeconds);
  if (!Number.isFinite(n) || n <= 0) throw misconfigured(`${name} must be a positive number of seconds.`);
  return Math.round(n * 1000);
}

/** The entries of a JSON-object setting (none when unset); `what` says what the object holds. */
function entriesOf(env: Env, name: Setting, what: string): [string, unknown][] {
  const raw = textOf(env, name);
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw misconfigured(`${name} is not valid JSON.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw misconfigured(`${name} must be a JSON object ${what}.`);
  return Object.entries(parsed);
}

function parseAliases(env: Env): Readonly<Record<string, AliasTarget>> {
  const entries = entriesOf(env, 'MODEL_ALIASES', 'of name -> model id (or an array of ids, tried in order)');
  if (!entries.length) return DEFAULT_MODEL_ALIASES;
  const merged: Record<string, AliasTarget> = { ...DEFAULT_MODEL_ALIASES };
  for (const [name, target] of entries) {
    const chain = Array.isArray(target) ? target : [target];
    if (!chain.every((t) => typeof t === 'string' && (t !== '' || chain.length === 1))) {
      throw misconfigured(`MODEL_ALIASES["${name}"] must be a model id or an array of model ids.`);
    }
    // "" (or []) removes a default alias.
    if (chain.length === 0 || chain[0] === '') delete merged[name];
    else merged[name] = target as AliasTarget;
  }
  return merged;
}

function parseClaudeModels(env: Env): Record<ClaudeFamily, string> {
  const merged = { ...DEFAULT_CLAUDE_MODELS };
  const keys = CLAUDE_FAMILIES.join(', ');
  for (const [family, target] of entriesOf(env, 'ANTHROPIC_MODEL_MAP', `with keys among ${keys}`)) {
    if (!(CLAUDE_FAMILIES as readonly string[]).includes(family)) {
      throw misconfigured(`ANTHROPIC_MODEL_MAP key "${family}" is not one of ${keys} (exact names go in MODEL_ALIASES).`);
    }
    if (typeof target !== 'string' || !target.trim()) throw misconfigured(`ANTHROPIC_MODEL_MAP["${family}"] must be a model id.`);
    merged[family as ClaudeFamily] = target.trim();
  }
  return merged;
}

function parseAutoModels(env: Env): Record<AutoNeed, readonly string[]> {
  const merged = { ...DEFAULT_AUTO_MODELS };
  const keys = AUTO_NEEDS.join(', ');
  for (const [need, target] of entriesOf(env, 'AUTO_MODELS', `with keys among ${keys}`)) {
    const ids = Array.isArray(target) ? target : [target];
    if (!(AUTO_NEEDS as readonly string[]).includes(need) || !ids.every((t) => typeof t === 'string' && t.trim())) {
      throw misconfigured(`AUTO_MODELS["${need}"]: keys are ${keys}, each a model id or an array of ids.`);
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

/** "true" (any case) is on; anything else off. */
const isTrue = (env: Env, name: Setting) => textOf(env, name)?.toLowerCase() === 'true';

function parseGateway(env: Env): Config['gateway'] {
  const id = textOf(env, 'AI_GATEWAY_ID');
  if (!id) return undefined;
  const cacheTtl = int(env, 'AI_GATEWAY_CACHE_TTL', 0);
  return { id, ...(isTrue(env, 'AI_GATEWAY_SKIP_CACHE') && { skipCache: true }), ...(cacheTtl && { cacheTtl }) };
}

function imageSize(env: Env): { width: number; height: number } | undefined {
  const value = textOf(env, 'DEFAULT_IMAGE_SIZE')?.toLowerCase();
  if (!value || value === 'auto') return undefined;
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(value);
  if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) throw misconfigured('DEFAULT_IMAGE_SIZE must be WIDTHxHEIGHT (e.g. 1024x1024) or auto.');
  return { width: Number(match[1]), height: Number(match[2]) };
}

export function parseConfig(env: Env): Config {
  const origins = list(env.ALLOWED_ORIGINS);
  const ragChunkSize = int(env, 'RAG_CHUNK_SIZE', 1000, RAG_CHUNK_MIN, RAG_CHUNK_MAX);
  return {
    apiKeys: list(env.PROXY_API_KEY),
    allowAnonymous: isTrue(env, 'ALLOW_ANONYMOUS'),
    allowedOrigins: origins.length === 0 || origins.includes('*') ? '*' : origins,
    aliases: parseAliases(env),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 32 * MiB),
    catalogTtlMs: int(env, 'CATALOG_TTL_SECONDS', 300) * 1000,
    defaultMaxTokens: int(env, 'DEFAULT_MAX_TOKENS', 2048),
    logRequests: textOf(env, 'LOG_REQUESTS')?.toLowerCase() !== 'false',
    rateLimitPeriodSeconds: int(env, 'RATE_LIMIT_PERIOD_SECONDS', 60),
    gateway: parseGateway(env),
    responseCacheTtlSeconds: int(env, 'RESPONSE_CACHE_TTL_SECONDS', 0, 0),
    defaultImageModel: textOf(env, 'DEFAULT_IMAGE_MODEL') ?? '@cf/black-forest-labs/flux-1-schnell',
    defaultImageSize: imageSize(env),
    maxImageCount: int(env, 'MAX_IMAGE_COUNT', 1, 1, HARD_MAX_IMAGE_COUNT),
    imageUrlTtlMs: int(env, 'IMAGE_URL_TTL_SECONDS', 3600, 0) * 1000,
    ragEmbeddingModel: textOf(env, 'RAG_EMBEDDING_MODEL') ?? '@cf/baai/bge-base-en-v1.5',
    ragChatModel: textOf(env, 'RAG_CHAT_MODEL') ?? '@cf/meta/llama-3.1-8b-instruct-fast',
    ragChunkSize,
    ragChunkOverlap: int(env, 'RAG_CHUNK_OVERLAP', Math.floor(ragChunkSize / 5), 0, ragChunkSize - 1),
    // KV refuses an expirationTtl under 60 seconds.
    responsesStoreTtlSeconds: int(env, 'RESPONSES_STORE_TTL_SECONDS', DEFAULT_STORE_TTL_SECONDS, MIN_STORE_TTL_SECONDS),
    upstreamTimeoutMs: millis(env, 'UPSTREAM_TIMEOUT_SECONDS', 120),
    upstreamIdleTimeoutMs: millis(env, 'UPSTREAM_IDLE_TIMEOUT_SECONDS', 60),
    urlInputs: {
      maxCount: int(env, 'MAX_URL_INPUTS', 8),
      maxTotalBytes: int(env, 'MAX_URL_INPUT_BYTES', 20 * MiB),
      concurrency: int(env, 'URL_FETCH_CONCURRENCY', 4),
    },
    claudeModels: parseClaudeModels(env),
    autoModels: parseAutoModels(env),
    adminApiKey: textOf(env, 'ADMIN_API_KEY'),
  };
}
