import { createMiddleware } from 'hono/factory';
import { sumCosts, type Charge } from '../services/billing';
import { forRequest, getServices } from '../services';
import type { AppEnv } from '../types';
import { uniqueHex } from '../lib/random';

const STREAM_TYPES = /^(?:text\/event-stream|application\/x-ndjson)/;

/**
 * Gives every request an id (x-request-id), its services (with the request's scope: cost meter
 * and answering model), and one structured log line at the end: method, path, model, the model
 * that answered, status, cost, latency. Never headers, bodies or keys.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const requestId = `req_${uniqueHex()}`;
  c.set('requestId', requestId);
  let shared: ReturnType<typeof getServices>;
  try {
    shared = getServices(c.env);
  } catch (err) {
    // A misconfiguration, answered by the error handler: c.header puts the id on its response.
    c.header('x-request-id', requestId);
    throw err;
  }
  const charges: Charge[] = [];
  let modelUsed: string | undefined;
  const scope = {
    onCharge: (charge: Charge) => {
      charges.push(charge);
    },
    onModel: (model: string) => {
      modelUsed = model;
    },
  };
  c.set('scope', scope);
  c.set('services', forRequest(shared, scope));
  await next();
  const headers = c.res.headers;
  // Set on the response rather than with c.header before next(): that made Hono build a Headers
  // object for every response, and streaming routes build their Response outside its reach anyway.
  headers.set('x-request-id', requestId);
  if (modelUsed && !headers.has('x-model-used')) headers.set('x-model-used', modelUsed);
  // A stream's cost is known only at its end (its last usage chunk carries it); a whole answer's now.
  const total = charges.length ? sumCosts(charges) : undefined;
  if (total && total.cost !== null && c.res.ok && !STREAM_TYPES.test(headers.get('content-type') ?? '')) {
    headers.set('x-request-cost', String(total.cost));
    headers.set('x-request-neurons', String(total.neurons));
  }
  if (shared.config.logRequests) {
    console.log(
      JSON.stringify({
        level: 'info',
        request_id: requestId,
        method: c.req.method,
        path: c.get('logPath') ?? c.req.path,
        model: c.get('model') ?? null,
        ...(modelUsed && { model_used: modelUsed }),
        ...(total && { cost_usd: total.cost }),
        status: c.res.status,
        latency_ms: Date.now() - started,
      }),
    );
  }
});
