/**
 * Model names as Anthropic clients send them, and the model list in Anthropic's shape. A
 * `claude-*` name runs the model configured for its family (opus, sonnet, haiku: the word in the
 * name; `claude` for any other), unless MODEL_ALIASES names it exactly; `@cf/...` ids and the
 * proxy's other aliases are used as they are.
 */
import type { Config } from '../../config';
import { numericProperty } from '../models/catalog';
import type { CatalogModel } from '../upstream';
import type { Services } from '../index';

/** The model name to resolve in the catalog for a client's `model`. */
export function modelFor(requested: string, config: Config): string {
  if (Object.hasOwn(config.aliases, requested) || !/^claude/i.test(requested)) return requested;
  const family = /opus/i.test(requested) ? 'opus' : /sonnet/i.test(requested) ? 'sonnet' : /haiku/i.test(requested) ? 'haiku' : 'claude';
  return config.claudeModels[family];
}

export interface AnthropicModel {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
  capabilities: null;
  deprecated_at: string | null;
  lifecycle: 'active' | 'deprecated';
  line: null;
  max_input_tokens: number | null;
  max_tokens: null;
  retires_at: string | null;
}

/** A catalog date (`2026-05-30`) as RFC 3339, or null. */
function rfc3339(raw: unknown): string | null {
  if (typeof raw !== 'string' || !raw) return null;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : null;
}

function anthropicModel(services: Services, model: CatalogModel, id = model.name): AnthropicModel {
  const created = services.catalog.toOpenAI(model).created;
  const retires = rfc3339(model.properties?.find((p) => p.property_id === 'planned_deprecation_date')?.value);
  return {
    type: 'model',
    id,
    display_name: id === model.name ? (model.name.split('/').at(-1) ?? model.name) : `${id} (${model.name})`,
    created_at: new Date(created * 1000).toISOString().replace('.000Z', 'Z'),
    capabilities: null,
    deprecated_at: null,
    lifecycle: retires && Date.parse(retires) <= Date.now() ? 'deprecated' : 'active',
    line: null,
    max_input_tokens: numericProperty(model, 'context_window') ?? null,
    max_tokens: null,
    retires_at: retires,
  };
}

export interface ModelPage {
  data: AnthropicModel[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

export interface PageQuery {
  limit: number;
  after_id?: string;
  before_id?: string;
}

/** GET /v1/models with `anthropic-version`: the chat models, paged by after_id / before_id as Anthropic pages. */
export async function listAnthropicModels(services: Services, q: PageQuery): Promise<ModelPage> {
  const all = (await services.catalog.listFor('openai-chat')).map((m) => anthropicModel(services, m));
  let start = 0;
  let end = all.length;
  if (q.after_id !== undefined) start = all.findIndex((m) => m.id === q.after_id) + 1;
  if (q.before_id !== undefined) {
    const at = all.findIndex((m) => m.id === q.before_id);
    end = at === -1 ? 0 : at;
    start = Math.max(start, end - q.limit);
  }
  const data = all.slice(start, Math.min(end, start + q.limit));
  const more = q.before_id !== undefined ? start > 0 : start + data.length < end;
  return { data, has_more: more, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/** GET /v1/models/{id} with `anthropic-version`: a claude-* name describes the model it runs. */
export async function describeAnthropicModel(services: Services, requested: string): Promise<AnthropicModel | undefined> {
  const model = await services.catalog.describe(modelFor(requested, services.config));
  return model && anthropicModel(services, model, requested.startsWith('@') ? model.name : requested);
}
