/**
 * Entry of scripts/build-docs.mjs (bundled with esbuild and run in Node at build time): every
 * static page the Worker serves, by file name. The script writes each into public/ (git-ignored),
 * which wrangler uploads as the Worker's static assets (`[assets]`, binding ASSETS); the routes in
 * src/routes/pages.ts serve them through the Worker, so no page text and no schema converter is in
 * the bundle. To add a page: add its file here, then a route in src/routes/pages.ts.
 */
import { openApiDocument } from '../docs/openapi';
import { docsHtml } from '../docs/page';
import { ADMIN_HTML } from './admin';
import { PLAYGROUND_HTML } from './playground';

export const render = (): Record<string, string> => ({
  'openapi.json': JSON.stringify(openApiDocument()),
  'docs.html': docsHtml(),
  'playground.html': PLAYGROUND_HTML,
  'admin.html': ADMIN_HTML,
});
