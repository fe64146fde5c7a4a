import type { Env } from './env';
import type { Services } from './services';
import type { RequestScope } from './services/scope';

/** Hono generics shared by the app, its middleware and its routers. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The shared services with this request's scope (forRequest). */
    services: Services;
    /** The request's scope, for routes and middleware to fill in (key name, user, metadata). */
    scope: RequestScope;
    /** Fingerprint of the client's API key (set by auth), the rate-limit key. */
    clientId?: string;
    /** The model the client named, for the request log line. */
    model?: string;
    /** The path to log when the real one carries a credential (stored image ids). */
    logPath?: string;
  };
}
