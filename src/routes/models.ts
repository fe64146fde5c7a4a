import { Hono } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { invalidValue, modelNotFound } from '../errors';
import { AnthropicListModelsQuery, ListModelsQuery } from '../schemas/models';
import { AUTO, AUTO_MODEL } from '../services/chat/auto';
import { PROTOCOLS } from '../services/models/protocols';
import { describeAnthropicModel, listAnthropicModels } from '../services/messages/models';
import type { AppEnv } from '../types';

/** Anthropic clients (Claude Code, the Anthropic SDKs) send this header; they get Anthropic's model shape. */
const wantsAnthropic = (c: { req: { header(name: string): string | undefined } }) => c.req.header('anthropic-version') !== undefined;

export const models = new Hono<AppEnv>()
  .get(
    '/models',
    zValidator('query', ListModelsQuery, (result) => {
      if (!result.success) {
        throw invalidValue('protocol', `Invalid value for 'protocol': expected one of ${PROTOCOLS.join(', ')}.`);
      }
    }),
    async (c) => {
      if (wantsAnthropic(c)) {
        const q = AnthropicListModelsQuery.safeParse(c.req.query());
        if (!q.success) throw invalidValue('limit', 'limit: must be a whole number from 1 to 1000.');
        return c.json(await listAnthropicModels(c.var.services, { ...q.data, limit: Number(q.data.limit ?? 20) }));
      }
      const { catalog } = c.var.services;
      const { protocol } = c.req.valid('query');
      const listed = await catalog.listFor(protocol);
      const auto = !protocol || protocol === 'openai-chat' ? [AUTO_MODEL] : [];
      return c.json({ object: 'list', data: [...listed.map((m) => catalog.toOpenAI(m)), ...auto] });
    },
  )
  // Model ids contain slashes: @cf/meta/llama-3.1-8b-instruct.
  .get('/models/:id{.+}', async (c) => {
    const { catalog } = c.var.services;
    const requested = c.req.param('id');
    c.set('model', requested);
    if (wantsAnthropic(c)) {
      const described = await describeAnthropicModel(c.var.services, requested);
      if (!described) throw modelNotFound(requested);
      return c.json(described);
    }
    if (requested === AUTO) return c.json(AUTO_MODEL);
    const model = await catalog.describe(requested);
    if (!model) throw modelNotFound(requested);
    return c.json({ ...catalog.toOpenAI(model), id: requested });
  });
