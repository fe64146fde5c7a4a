import { Hono } from '../lib/hono';
import { invalidValue, modelNotFound } from '../errors';
import { AnthropicListModelsQuery, ListModelsQuery } from '../schemas/models';
import { AUTO, AUTO_MODEL } from '../services/chat/auto';
import { PROTOCOLS } from '../services/models/protocols';
import { describeAnthropicModel, listAnthropicModels } from '../services/messages/models';
import { validate } from '../middleware/validate';
import type { AppEnv } from '../types';

/** Anthropic clients (Claude Code, the Anthropic SDKs) send this header; they get Anthropic's model shape. */
const wantsAnthropic = (c: { req: { header(name: string): string | undefined } }) => c.req.header('anthropic-version') !== undefined;

const WITH_AUTO = [AUTO_MODEL];
const NONE: readonly object[] = [];

export const models = new Hono<AppEnv>()
  .get(
    '/models',
    validate('query', ListModelsQuery, () => {
      throw invalidValue('protocol', `Invalid value for 'protocol': expected one of ${PROTOCOLS.join(', ')}.`);
    }),
    async (c) => {
      if (wantsAnthropic(c)) {
        const q = AnthropicListModelsQuery.safeParse(c.req.query());
        if (!q.success) throw invalidValue('limit', 'limit: must be a whole number from 1 to 1000.');
        return c.json(await listAnthropicModels(c.get('services'), { ...q.data, limit: Number(q.data.limit ?? 20) }));
      }
      const { protocol } = c.req.valid('query');
      // `auto` (services/chat/auto.ts) picks a chat model per request: listed with the chat models.
      const body = await c.get('services').catalog.openAIListJson(protocol, !protocol || protocol === 'openai-chat' ? WITH_AUTO : NONE);
      return c.body(body, 200, { 'content-type': 'application/json' });
    },
  )
  // Model ids contain slashes: @cf/meta/llama-3.1-8b-instruct.
  .get('/models/:id{.+}', async (c) => {
    const { catalog } = c.get('services');
    const requested = c.req.param('id');
    c.set('model', requested);
    if (wantsAnthropic(c)) {
      const described = await describeAnthropicModel(c.get('services'), requested);
      if (!described) throw modelNotFound(requested);
      return c.json(described);
    }
    if (requested === AUTO) return c.json(AUTO_MODEL);
    const model = await catalog.describe(requested);
    if (!model) throw modelNotFound(requested);
    return c.json({ ...catalog.toOpenAI(model), id: requested });
  });
