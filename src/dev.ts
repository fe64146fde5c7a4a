/**
 * The dev and test entry (`npm run dev` via wrangler.dev.toml, vitest.config.ts): the production
 * app plus the offline kit, so an env without the AI binding or credentials is answered by the
 * emulator and in-memory stores. Never deployed: src/index.ts is the production entry.
 */
import { app } from './app';
import { offlineKit } from './dev/index';
import type { Env } from './env';
import { attachOffline } from './services/offline';

export const devWorker = {
  fetch(request: Request, env: Env, ctx?: ExecutionContext): Response | Promise<Response> {
    attachOffline(env, offlineKit);
    return app.fetch(request, env, ctx);
  },
};

export default devWorker satisfies ExportedHandler<Env>;

// The managed keys' Durable Object, bound in wrangler.dev.toml and vitest.config.ts.
export { KeyLedger } from './services/keys/ledger-object';
