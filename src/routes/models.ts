import { Hono } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { invalidValue, modelNotFound } from '../errors';
import { ListModelsQuery } from '../schemas/models';
import { PROTOCOLS } from '../services/models/protocols';
import type { AppEnv } from '../types';

export const models = new Hono<AppEnv>()
  .get(
    '/models',
    zValidator('query', ListModelsQuery, (result) => {
      if (!result.success) {
        throw invalidValue('protocol', `Invalid value for 'protocol': expected one of ${PROTOCOLS.join(', ')}.`);
      }
    }),
    async (c) => {
      const { catalog } = c.var.services;
      const listed = await catalog.listFor(c.req.valid('query').protocol);
      return c.json({ object: 'list', data: listed.map((m) => catalog.toOpenAI(m)) });
    },
  )
  // Model ids contain slashes: @cf/meta/llama-3.1-8b-instruct.
  .get('/models/:id{.+}', async (c) => {
    const { catalog } = c.var.services;
    const requested = c.req.param('id');
    c.set('model', requested);
    const model = await catalog.describe(requested);
    if (!model) throw modelNotFound(requested);
    return c.json({ ...catalog.toOpenAI(model), id: requested });
  });
