import type { Config } from '../../config';
import type { Env } from '../../env';
import { proxyMisconfigured as misconfigured } from '../../errors';
import { createBindingUpstream } from './binding';
import { withDeadlines } from './deadlines';
import { createRestUpstream } from './rest';
import type { OfflineKit } from '../offline';
import type { TransportKind, Upstream } from './types';

export type { CatalogModel, ModelSchema, RunOptions, TransportKind, Upstream } from './types';
export { UpstreamError } from './types';

export const DEFAULT_API_BASE_URL = 'https://api.cloudflare.com/client/v4';

/** Which transport this environment uses: AI_TRANSPORT if set, else binding > rest > emulator. */
export function transportKind(env: Env): TransportKind {
  const wanted = env.AI_TRANSPORT?.trim().toLowerCase();
  if (wanted) {
    if (wanted === 'binding' || wanted === 'rest' || wanted === 'emulator') return wanted;
    throw misconfigured(`AI_TRANSPORT must be binding, rest or emulator (got "${wanted}").`);
  }
  if (env.AI) return 'binding';
  if (env.CLOUDFLARE_API_TOKEN) return 'rest';
  return 'emulator';
}

export const DEFAULT_GATEWAY_BASE_URL = 'https://gateway.ai.cloudflare.com/v1';

/** What a deployment without a transport must add; the emulator exists only in the dev entry. */
export const NO_TRANSPORT =
  'no Workers AI transport. Bind Workers AI ([ai] binding = "AI" in wrangler.toml), or set CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (npx wrangler secret put CLOUDFLARE_API_TOKEN) for the REST API. The offline emulator runs only under `npm run dev`.';

/** The transport for this environment, with the time limits of `config` on every call. */
export function createUpstream(env: Env, config: Pick<Config, 'gateway' | 'upstreamTimeoutMs' | 'upstreamIdleTimeoutMs'>, offline?: OfflineKit): Upstream {
  return withDeadlines(createTransport(env, config.gateway, offline), { firstByteMs: config.upstreamTimeoutMs, idleMs: config.upstreamIdleTimeoutMs });
}

function createTransport(env: Env, gateway?: Config['gateway'], offline?: OfflineKit): Upstream {
  const kind = transportKind(env);
  if (kind === 'binding') {
    if (!env.AI) throw misconfigured('AI_TRANSPORT=binding but there is no AI binding ([ai] in wrangler.toml).');
    return createBindingUpstream(env.AI, gateway);
  }
  if (kind === 'rest') {
    if (!env.CLOUDFLARE_API_TOKEN || !env.CLOUDFLARE_ACCOUNT_ID) {
      throw misconfigured('the REST transport needs CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN.');
    }
    return createRestUpstream({
      baseUrl: env.CLOUDFLARE_API_BASE_URL?.trim() || DEFAULT_API_BASE_URL,
      accountId: env.CLOUDFLARE_ACCOUNT_ID,
      token: env.CLOUDFLARE_API_TOKEN,
      ...(gateway && { gateway: { ...gateway, baseUrl: env.AI_GATEWAY_BASE_URL?.trim() || DEFAULT_GATEWAY_BASE_URL } }),
    });
  }
  // A deployed Worker (the production entry) never serves synthetic answers.
  if (!offline) throw misconfigured(env.AI_TRANSPORT ? `AI_TRANSPORT=emulator, but ${NO_TRANSPORT}` : NO_TRANSPORT, 'proxy_misconfigured', 503);
  // The emulator's own settings (EMULATOR_PLAN, EMULATOR_FAULTS) are read by the dev entry's kit.
  return offline.emulator(env);
}
