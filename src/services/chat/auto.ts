/**
 * `model: "auto"`: a live catalog model chosen per request from what the request needs (image
 * parts: vision; tools: function calling; reasoning_effort / thinking: reasoning; a long prompt: a
 * context window that fits), judged by the same catalog-derived profile the chat engine uses.
 * The operator's preferences (AUTO_MODELS) come first, then any live free model that fits, largest
 * context window first. The first few make a failover chain: the first answers, the rest take
 * over when it is refused (3040, 5035, 5028).
 */
import { ApiError } from '../../errors';
import type { ChatCompletionRequest } from '../../schemas/chat';
import { requiresPaidPlan } from '../models/lifecycle';
import type { Services } from '../index';
import type { CatalogModel } from '../upstream';
import { tokensOfChars } from '../usage';
import { chatProfile } from './profile';
import { thinkingOf } from './reasoning';

export const AUTO = 'auto';

/** Models lined up per request: the one that answers and two to fail over to. */
const CHAIN_LENGTH = 3;
/** Room left for the answer when judging whether a prompt fits a context window. */
const ANSWER_ROOM = 1024;
/** The longest prompt (estimated tokens) trusted to a model whose context window the catalog does not give. */
const UNKNOWN_WINDOW_FITS = 4096;

export interface AutoNeeds {
  vision: boolean;
  tools: boolean;
  reasoning: boolean;
  /** Estimated prompt tokens (text and tool definitions, ~4 characters a token). */
  tokens: number;
}

export function needsOf(req: ChatCompletionRequest): AutoNeeds {
  let chars = req.tools ? JSON.stringify(req.tools).length : 0;
  let vision = false;
  for (const m of req.messages) {
    const content: unknown = m.content;
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content as { type?: string; text?: unknown }[]) {
        if (part?.type === 'image_url') vision = true;
        else if (typeof part?.text === 'string') chars += part.text.length;
      }
    }
  }
  const thinking = thinkingOf(req);
  return { vision, tools: !!req.tools?.length && req.tool_choice !== 'none', reasoning: !!thinking && thinking !== 'none', tokens: tokensOfChars(chars) };
}

function fits(model: CatalogModel, needs: AutoNeeds): boolean {
  const p = chatProfile(model.name, model);
  if (p.vision === 'image-to-text' || (needs.vision && p.vision === 'none')) return false;
  if ((needs.tools && !p.tools) || (needs.reasoning && !p.reasoning)) return false;
  return p.contextWindow ? p.contextWindow >= needs.tokens + ANSWER_ROOM : needs.tokens <= UNKNOWN_WINDOW_FITS;
}

const windowOf = (m: CatalogModel) => chatProfile(m.name, m).contextWindow ?? 0;

/** The models `auto` runs for `req`, in order; a 400 when no live model can serve it. */
export async function autoChain(services: Services, req: ChatCompletionRequest): Promise<string[]> {
  const needs = needsOf(req);
  const prefs = services.config.autoModels;
  const first = needs.vision ? prefs.vision : needs.tools ? prefs.tools : needs.reasoning ? prefs.reasoning : prefs.default;
  const live = await services.catalog.listFor('openai-chat');
  const byName = new Map(live.map((m) => [m.name, m]));
  const preferred = [...first, ...prefs.vision, ...prefs.tools, ...prefs.reasoning, ...prefs.default].flatMap((name) => byName.get(name) ?? []);
  const others = live.filter((m) => !requiresPaidPlan(m)).sort((a, b) => windowOf(b) - windowOf(a));
  const chain = [...new Set([...preferred, ...others])].filter((m) => fits(m, needs)).slice(0, CHAIN_LENGTH);
  if (!chain.length) {
    const wanted = [needs.vision && 'images', needs.tools && 'tools', needs.reasoning && 'reasoning', `a ~${needs.tokens}-token prompt`].filter(Boolean).join(', ');
    throw new ApiError(400, `\`auto\` found no live Workers AI model that takes ${wanted}. Name a model from GET /v1/models.`, 'invalid_request_error', 'model', 'model_not_found');
  }
  return chain.map((m) => m.name);
}

/** How `auto` is listed in GET /v1/models. */
export const AUTO_MODEL = { id: AUTO, object: 'model', created: 0, owned_by: 'workers-ai-openai', deprecation_date: null, requires_paid_plan: false } as const;
