import { createMiddleware } from 'hono/factory';
import { deprecationHeaders } from '../services/models/lifecycle';
import type { AppEnv } from '../types';

/**
 * A successful answer from a model with a planned deprecation date carries `Deprecation` and
 * `Sunset` headers, so clients learn of the retirement before calls start failing. Reads the
 * catalog the route already loaded; never fetches it.
 */
export const deprecation = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const model = c.get('model');
  if (!model || c.res.status >= 400) return;
  const { catalog } = c.get('services');
  // Ollama names carry a tag (`name:latest`).
  const day = catalog.plannedDeprecationOf(model) ?? (model.includes(':') ? catalog.plannedDeprecationOf(model.replace(/:[^/:]*$/, '')) : undefined);
  if (!day) return;
  for (const [name, value] of Object.entries(deprecationHeaders(day))) c.res.headers.set(name, value);
});
