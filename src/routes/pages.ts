import type { Context } from 'hono';
import { Hono } from '../lib/hono';
import { proxyMisconfigured } from '../errors';
import type { AppEnv } from '../types';

/** The page loads nothing from elsewhere and talks only to this origin. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'public, max-age=300',
} as const;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' } as const;

/**
 * Answers with a file of the Worker's static assets (public/, built once by scripts/build-docs.mjs
 * from src/pages/build.ts; wrangler.toml's `[assets]` with `run_worker_first`, so every request
 * still passes this app's middleware), with this route's own headers. The pages are built, never
 * computed per request or carried in the bundle.
 */
export const asset = (file: string, headers: Record<string, string>) => async (c: Context<AppEnv>) => {
  const assets = c.env.ASSETS;
  if (!assets) throw proxyMisconfigured('no ASSETS binding for the pages ([assets] in wrangler.toml).');
  const res = await assets.fetch(new URL(`/${file}`, c.req.url));
  if (!res.ok) {
    await res.body?.cancel();
    throw proxyMisconfigured(`${file} is not among the static assets (public/, built by scripts/build-docs.mjs).`);
  }
  return c.body(res.body ?? '', 200, headers);
};

/** Public pages: the playground (it asks for the API key in the browser), the API reference, the admin page (it asks for ADMIN_API_KEY); nothing secret. */
export const pages = new Hono<AppEnv>()
  .get('/', asset('playground.html', PAGE_HEADERS))
  .get('/docs', asset('docs.html', PAGE_HEADERS))
  .get('/admin', asset('admin.html', PAGE_HEADERS))
  .get('/openapi.json', asset('openapi.json', JSON_HEADERS));
