import { Hono } from 'hono';
// Built once, at build time (scripts/build-docs.mjs): the Worker only serves the strings.
import { DOCS_HTML, OPENAPI_JSON } from '../docs/generated';
import { PLAYGROUND_HTML } from '../pages/playground';
import type { AppEnv } from '../types';

/** The page loads nothing from elsewhere and talks only to this origin. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'public, max-age=300',
} as const;

/** Public pages: the playground (it asks for the API key in the browser) and the API reference; nothing secret. */
export const pages = new Hono<AppEnv>()
  .get('/', (c) => c.body(PLAYGROUND_HTML, 200, PAGE_HEADERS))
  .get('/docs', (c) => c.body(DOCS_HTML, 200, PAGE_HEADERS))
  .get('/openapi.json', (c) => c.body(OPENAPI_JSON, 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' }));
