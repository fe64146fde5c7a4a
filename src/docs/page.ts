import { ENDPOINTS } from './endpoints';
import { openApiJson } from './openapi';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

let cached: string | undefined;

/** GET /docs: the same reference as /openapi.json, for people. */
export function docsHtml(): string {
  if (cached) return cached;
  const doc = JSON.parse(openApiJson()) as { paths: Record<string, Record<string, any>> };
  const tags = [...new Set(ENDPOINTS.map((e) => e.tag))];
  const section = (tag: string) =>
    `<section><h2 id="${escape(tag.toLowerCase())}">${escape(tag)}</h2>${ENDPOINTS.filter((e) => e.tag === tag)
      .map((e) => {
        const op = doc.paths[e.path]![e.method];
        const body = op.requestBody?.content;
        const [type, media] = body ? (Object.entries(body)[0] as [string, { schema: any }]) : [];
        const fields = media
          ? Object.entries<any>(media.schema.properties ?? {})
              .map(([name, s]) => `<li><code>${escape(name)}</code>${(media.schema.required ?? []).includes(name) ? ' <b>required</b>' : ''}${s.description ? ` ${escape(s.description)}` : ''}</li>`)
              .join('')
          : '';
        return `<article><h3><span class="m">${e.method.toUpperCase()}</span> <code>${escape(e.path)}</code>${e.public ? ' <small>public</small>' : ''}</h3><p>${escape(e.summary)}${e.description ? `. ${escape(e.description)}` : ''}</p>${
          media ? `<details><summary>${escape(type!)} body</summary><ul>${fields}</ul><pre>${escape(JSON.stringify(media.schema, null, 1))}</pre></details>` : ''
        }<p>Returns: ${escape(e.returns)}</p></article>`;
      })
      .join('')}</section>`;
  cached = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>API reference: workers-ai-openai</title><style>
:root{color-scheme:light dark;font-family:system-ui,sans-serif}body{max-width:60rem;margin:0 auto;padding:1rem;line-height:1.45}
article{border-top:1px solid #8884;padding:.5rem 0}.m{display:inline-block;min-width:3.5rem;color:#f38020}pre{overflow:auto;max-height:24rem;font-size:.8rem}small{opacity:.7}
</style></head><body><h1>workers-ai-openai API reference</h1><p>OpenAI-compatible endpoints for Cloudflare Workers AI. Authenticate with <code>Authorization: Bearer &lt;key&gt;</code>. Errors are <code>{"error": {"message", "type", "param", "code"}}</code>. Machine-readable: <a href="openapi.json">openapi.json</a>. Try it: <a href="./">playground</a>.</p><nav>${tags
    .map((t) => `<a href="#${escape(t.toLowerCase())}">${escape(t)}</a>`)
    .join(' · ')}</nav>${tags.map(section).join('')}</body></html>`;
  return cached;
}
