/**
 * Entry of scripts/build-docs.mjs (bundled with esbuild and run in Node at build time): the two
 * documents the Worker serves as constant strings, so no isolate ever converts a schema.
 */
import { openApiDocument } from './openapi';
import { docsHtml } from './page';

export const render = () => ({ OPENAPI_JSON: JSON.stringify(openApiDocument()), DOCS_HTML: docsHtml() });
