import { createMiddleware } from 'hono/factory';
import { getServices } from '../services';
import type { AppEnv } from '../types';
import { uniqueHex } from '../lib/random';

/**
 * Gives every request an id (x-request-id), its services, and one structured log line
 * at the end: method, path, model, status, latency. Never headers, bodies or keys.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const requestId = `req_${uniqueHex()}`;
  c.set('requestId', requestId);
  c.header('x-request-id', requestId);
  // A misconfiguration throws here and is answered by the error handler (which keeps the header).
  const services = getServices(c.env);
  c.set('services', services);
  await next();
  // Streaming routes build their Response directly, outside c.header's reach.
  if (!c.res.headers.has('x-request-id')) c.res.headers.set('x-request-id', requestId);
  if (services.config.logRequests) {
    console.log(
      JSON.stringify({
        level: 'info',
        request_id: requestId,
        method: c.req.method,
        path: c.get('logPath') ?? c.req.path,
        model: c.get('model') ?? null,
        status: c.res.status,
        latency_ms: Date.now() - started,
      }),
    );
  }
});
