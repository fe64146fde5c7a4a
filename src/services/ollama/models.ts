import { ApiError, modelNotFound } from '../../errors';
import { AUTO } from '../chat/auto';
import { flag } from '../chat/profile';
import { numericProperty } from '../models/catalog';
import { protocolsOf, type Protocol } from '../models/protocols';
import type { Services } from '../index';
import type { CatalogModel } from '../upstream';
import { sha256Hex } from '../../lib/hash';

/**
 * What GET /api/version reports. 0.9.0 is the first Ollama release with `think` and
 * `message.thinking`, the newest API feature this layer speaks; clients (Open WebUI, Copilot's
 * Ollama provider) compare it against their minimums (structured outputs 0.5, tools 0.6.4).
 */
export const OLLAMA_VERSION = '0.9.0';

/** The catalog tasks listed by /api/tags and described by /api/show ('openai-embeddings' joins with /api/embed). */
export const OLLAMA_PROTOCOLS: readonly Protocol[] = ['openai-chat', 'openai-embeddings'];

/**
 * Ollama names carry a tag and clients rely on it: Open WebUI appends ":latest" to a name
 * without one and then looks that up in /api/tags. Every Workers AI model has exactly one
 * version, so it is listed as `<id>:latest`, and ":latest" is accepted (and dropped) everywhere.
 */
const TAG = ':latest';
export const ollamaName = (id: string) => `${id}${TAG}`;
export const modelIdOf = (name: string) => (name.endsWith(TAG) ? name.slice(0, -TAG.length) : name);

export interface OllamaDetails {
  parent_model: '';
  format: '';
  family: string;
  families: string[];
  parameter_size: string;
  quantization_level: string;
}

const SIZE = /(?:^|-)(\d+(?:\.\d+)?)([bm])(?=-|$)/;
const QUANT = /(?:^|-)(fp8|fp16|bf16|awq|gptq|int8|int4)(?=-|$)/;

/** Only what the id says: `llama-3.1-8b-instruct-fp8` -> family llama, 8B, FP8. Unknown = "". */
export function detailsOf(id: string): OllamaDetails {
  const base = id.slice(id.lastIndexOf('/') + 1).toLowerCase();
  const family = base.split('-')[0] || base;
  const size = SIZE.exec(base);
  const quant = QUANT.exec(base);
  return {
    parent_model: '',
    format: '',
    family,
    families: [family],
    parameter_size: size ? `${size[1]}${size[2]!.toUpperCase()}` : '',
    quantization_level: quant ? quant[1]!.toUpperCase() : '',
  };
}

const digests = new Map<string, Promise<string>>();

/** A stable sha256 of the id, where Ollama gives the digest of the weights (which nobody here has). */
function digestOf(id: string): Promise<string> {
  let digest = digests.get(id);
  if (!digest) {
    digest = sha256Hex(id);
    digests.set(id, digest);
  }
  return digest;
}

/** Go's zero time: what an unknown date looks like to Ollama's own clients. */
const UNKNOWN_TIME = '0001-01-01T00:00:00Z';

function modifiedAt(services: Services, model: CatalogModel): string {
  const created = services.catalog.toOpenAI(model).created;
  return created > 0 ? new Date(created * 1000).toISOString() : UNKNOWN_TIME;
}

const served = (model: CatalogModel) => protocolsOf(model).some((p) => OLLAMA_PROTOCOLS.includes(p));

/** GET /api/tags: the real catalog, then `auto` (a model picked per request), with sizes 0 because no weights are stored anywhere. */
export async function listTags(services: Services) {
  const models = (await services.catalog.list()).filter(served);
  const tag = async (id: string, modified: string) => {
    const name = ollamaName(id);
    return { name, model: name, modified_at: modified, size: 0, digest: await digestOf(id), details: detailsOf(id) };
  };
  return { models: await Promise.all([...models.map((m) => tag(m.name, modifiedAt(services, m))), tag(AUTO, UNKNOWN_TIME)]) };
}

/** POST /api/show: what the catalog knows, in Ollama's shape; no modelfile, template or parameters exist. */
export async function showModel(services: Services, requested: string) {
  // `auto` picks a model that can serve the request: images, tools and thinking included.
  if (modelIdOf(requested) === AUTO) {
    const details = detailsOf(AUTO);
    const modelInfo = { 'general.architecture': AUTO, 'general.basename': AUTO };
    return { modelfile: '', parameters: '', template: '', details, model_info: modelInfo, capabilities: ['completion', 'tools', 'vision', 'thinking'], modified_at: UNKNOWN_TIME };
  }
  const entry = await services.catalog.describe(modelIdOf(requested));
  if (!entry) throw modelNotFound(requested);
  if (!served(entry)) {
    throw new ApiError(
      400,
      `The model \`${requested}\` is a ${entry.task?.name ?? 'non-chat'} model; this Ollama API serves chat and embeddings models.`,
      'invalid_request_error',
      'model',
      'model_not_supported',
    );
  }
  const chat = protocolsOf(entry).includes('openai-chat');
  const details = detailsOf(entry.name);
  const modelInfo: Record<string, string | number> = {
    'general.architecture': details.family,
    'general.basename': entry.name.slice(entry.name.lastIndexOf('/') + 1),
  };
  const context = numericProperty(entry, 'context_window');
  if (context) modelInfo[`${details.family}.context_length`] = context;
  const dimensions = numericProperty(entry, 'output_dimensions');
  if (dimensions) modelInfo[`${details.family}.embedding_length`] = dimensions;
  const capabilities = chat ? ['completion'] : ['embedding'];
  if (chat && flag(entry, 'function_calling')) capabilities.push('tools');
  if (chat && flag(entry, 'vision')) capabilities.push('vision');
  if (chat && flag(entry, 'reasoning')) capabilities.push('thinking');
  return {
    modelfile: '',
    parameters: '',
    template: '',
    details,
    model_info: modelInfo,
    capabilities,
    modified_at: modifiedAt(services, entry),
  };
}
