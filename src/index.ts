import { app } from './app';

export default app satisfies ExportedHandler<import('./env').Env>;
// The managed keys' Durable Object (KEY_LEDGER in wrangler.toml); unbound, it costs nothing.
export { KeyLedger } from './services/keys/ledger-object';
