import type { RequestScope } from '../scope';
import type { GatewayMetadata, Upstream } from './types';

/** AI Gateway keeps the first five metadata entries of a request and drops the rest (its custom-metadata docs). */
export const MAX_GATEWAY_METADATA = 5;

/**
 * What AI Gateway's logs, caching and spend limits can be sliced by: `key` (the managed key's
 * name), `user` (the request's user), then the request's own metadata entries in their order,
 * up to five in all. Only strings, numbers and booleans: AI Gateway takes no objects.
 */
export function gatewayMetadata(scope: RequestScope): GatewayMetadata | undefined {
  const out: Record<string, string | number | boolean> = {};
  let n = 0;
  const add = (key: string, value: unknown) => {
    if (n >= MAX_GATEWAY_METADATA || Object.hasOwn(out, key)) return;
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      out[key] = value;
      n++;
    }
  };
  add('key', scope.keyName);
  add('user', scope.user);
  for (const [key, value] of Object.entries(scope.metadata ?? {})) add(key, value);
  return n ? out : undefined;
}

/** `upstream` with the request's gateway metadata on every model run (read when the run starts: routes fill the scope in first). */
export function withGatewayMetadata(upstream: Upstream, scope: RequestScope): Upstream {
  return {
    ...upstream,
    run(model, inputs, options) {
      const metadata = gatewayMetadata(scope);
      return upstream.run(model, inputs, metadata ? { ...options, metadata } : options);
    },
  };
}
