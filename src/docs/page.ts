/**
 * GET /docs: the API reference as a page, built once at build time (scripts/build-docs.mjs) from
 * the same route table as /openapi.json. The index of routes is plain HTML; the inline script reads
 * /openapi.json (so the texts and schemas are served once) for each route's description,
 * body and response schemas and example, and lets a person send the request with the key typed on
 * the page. Nothing is loaded from elsewhere (the CSP allows only this origin).
 */
import { ENDPOINTS } from './endpoints';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

const SCRIPT = /* js */ `(() => {
  const $ = (s, el = document) => el.querySelector(s);
  const key = $('#key');
  key.value = localStorage.getItem('playground-key') || '';
  key.addEventListener('change', () => localStorage.setItem('playground-key', key.value));
  const el = (tag, props = {}, ...kids) => { const e = Object.assign(document.createElement(tag), props); e.append(...kids); return e; };
  fetch('openapi.json').then((r) => r.json()).then((doc) => {
    const resolve = (s) => (s && s.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);
    for (const art of document.querySelectorAll('article[data-path]')) {
      const path = art.dataset.path, method = art.dataset.method;
      const op = doc.paths[path][method];
      const body = op.requestBody && Object.entries(op.requestBody.content)[0];
      const ok = op.responses[200].content || {};
      art.querySelector('h3').append(...(op.security && !op.security.length ? [' ', el('small', { textContent: 'public' })] : []));
      art.append(el('p', { textContent: op.summary + (op.description ? '. ' + op.description : '') }), el('p', { textContent: 'Returns: ' + op.responses[200].description }));
      const details = el('details', { className: 'try' }, el('summary', { textContent: 'Try it' }));
      const form = el('form');
      const params = (op.parameters || []).map((p) => {
        const input = el('input', { name: p.name, placeholder: p.schema.enum ? p.schema.enum.join(' | ') : p.required ? 'required' : '' });
        form.append(el('label', { textContent: p.in + ' ' + p.name + ' ' }, input));
        return { p, input };
      });
      let text, files = [];
      if (body) {
        const [type, media] = body;
        const schema = resolve(media.schema);
        if (type === 'multipart/form-data') {
          files = Object.entries(schema.properties || {}).filter(([, s]) => s.format === 'binary').map(([name]) => {
            const input = el('input', { type: 'file', name });
            form.append(el('label', { textContent: name + ' ' }, input));
            return input;
          });
        }
        text = el('textarea', { rows: 6, spellcheck: false, value: JSON.stringify(media.example || {}, null, 2) });
        form.append(el('div', { className: 'hint', textContent: type === 'multipart/form-data' ? 'Form fields (JSON object):' : 'Body (' + type + '):' }), text);
        art.append(el('details', {}, el('summary', { textContent: 'Body schema' }), el('pre', { textContent: JSON.stringify(schema, null, 1) })));
      }
      const types = Object.keys(ok);
      if (types.length) {
        const shown = types.map((t) => { const m = ok[t]; const s = m['x-item-schema'] || m.schema; return t + ': ' + (s && s.$ref ? s.$ref.split('/').pop() : (s && s.format) || 'text') + (m['x-item-schema'] ? ' events' : ''); });
        art.append(el('details', {}, el('summary', { textContent: 'Response schema' }), el('p', { textContent: shown.join(' · ') }), ...types.filter((t) => (ok[t]['x-item-schema'] || ok[t].schema || {}).$ref).map((t) => el('pre', { textContent: JSON.stringify(resolve(ok[t]['x-item-schema'] || ok[t].schema), null, 1) }))));
      }
      const out = el('div', { className: 'out' });
      const send = el('button', { type: 'submit', textContent: 'Send ' + method.toUpperCase() });
      form.append(send, out);
      details.append(form);
      art.append(details);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        out.replaceChildren();
        delete out.dataset.done;
        let url = path.replace(/\\{(\\w+)\\}/g, (_, n) => params.find((x) => x.p.name === n).input.value.split('/').map(encodeURIComponent).join('/'));
        const query = params.filter((x) => x.p.in === 'query' && x.input.value).map((x) => encodeURIComponent(x.p.name) + '=' + encodeURIComponent(x.input.value));
        if (query.length) url += '?' + query.join('&');
        const init = { method: method.toUpperCase(), headers: {} };
        if (key.value) init.headers.authorization = 'Bearer ' + key.value;
        try {
          if (body) {
            const fields = JSON.parse(text.value || '{}');
            if (body[0] === 'multipart/form-data') {
              const data = new FormData();
              for (const [k, v] of Object.entries(fields)) data.append(k, typeof v === 'string' ? v : JSON.stringify(v));
              for (const f of files) for (const file of f.files) data.append(f.name, file);
              init.body = data;
            } else {
              init.headers['content-type'] = body[0];
              init.body = JSON.stringify(fields);
            }
          }
        } catch (err) { out.append(el('p', { className: 'error', textContent: 'Body: ' + err.message })); out.dataset.done = 'true'; return; }
        send.disabled = true;
        try {
          const res = await fetch(url.replace(/^\\//, ''), init);
          const type = res.headers.get('content-type') || '';
          out.append(el('p', { className: 'status', textContent: res.status + ' ' + res.statusText + ' · ' + type }));
          if (/^(image|audio)\\//.test(type)) {
            const src = URL.createObjectURL(await res.blob());
            out.append(type.startsWith('image') ? el('img', { src }) : el('audio', { src, controls: true }));
          } else {
            const pre = el('pre', { className: 'body' });
            out.append(pre);
            const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
            let all = '';
            for (;;) { const { done, value } = await reader.read(); if (done) break; all += value; pre.textContent = all; }
            if (type.startsWith('application/json')) try { pre.textContent = JSON.stringify(JSON.parse(all), null, 2); } catch {}
          }
        } catch (err) {
          out.append(el('p', { className: 'error', textContent: err.message }));
        } finally { send.disabled = false; out.dataset.done = 'true'; }
      });
    }
    document.body.dataset.ready = 'true';
  }).catch((err) => { document.body.prepend(el('p', { className: 'error', textContent: 'openapi.json: ' + err.message })); });
})();`;

/** The page's HTML (one string, computed at build time). */
export function docsHtml(): string {
  const tags = [...new Set(ENDPOINTS.map((e) => e.tag))];
  const section = (tag: string) =>
    `<section><h2 id="${slug(tag)}">${escape(tag)}</h2>${ENDPOINTS.filter((e) => e.tag === tag)
      .map(
        (e) =>
          `<article id="${e.method}-${slug(e.path)}" data-method="${e.method}" data-path="${escape(e.path)}"><h3><span class="m">${e.method.toUpperCase()}</span> <code>${escape(e.path)}</code></h3></article>`,
      )
      .join('')}</section>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>API reference: workers-ai-openai</title><style>
:root{color-scheme:light dark;font-family:system-ui,sans-serif}body{max-width:60rem;margin:0 auto;padding:1rem;line-height:1.45}
article{border-top:1px solid #8884;padding:.5rem 0}.m{display:inline-block;min-width:3.5rem;color:#f38020}pre{overflow:auto;max-height:24rem;font-size:.8rem;white-space:pre-wrap}small{opacity:.7}
textarea{width:100%;box-sizing:border-box;font-family:ui-monospace,monospace;font-size:.85rem}label{display:block;margin:.25rem 0}input,textarea,button{font:inherit;padding:.3rem .45rem}
button{background:#f38020;color:#fff;border:0;border-radius:.35rem;cursor:pointer;margin-top:.3rem}button:disabled{opacity:.5}.error{color:#d33}.out img{max-width:100%}.hint{opacity:.75;font-size:.85rem}
</style></head><body><h1>workers-ai-openai API reference</h1><p>OpenAI-compatible endpoints for Cloudflare Workers AI. Authenticate with <code>Authorization: Bearer &lt;key&gt;</code>. Errors are <code>{"error": {"message", "type", "param", "code"}}</code> (under <code>/api/</code>, Ollama's <code>{"error": "..."}</code>). Machine-readable: <a href="openapi.json">openapi.json</a>. Playground: <a href="./">/</a>.</p>
<p><label>API key <input id="key" type="password" autocomplete="off" placeholder="PROXY_API_KEY (blank if none)"></label></p><nav>${tags
    .map((t) => `<a href="#${slug(t)}">${escape(t)}</a>`)
    .join(' · ')}</nav>${tags.map(section).join('')}<script>${SCRIPT}</script></body></html>`;
}
