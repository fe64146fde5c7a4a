/**
 * The playground at GET /: a single self-contained page (no external assets) that lists the
 * models, chats with streaming and generates images through this Worker's own API.
 */
export const PLAYGROUND_HTML = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Workers AI OpenAI proxy: playground</title>
<style>
  :root { color-scheme: light dark; --accent: #f38020; font-family: system-ui, sans-serif; }
  body { max-width: 60rem; margin: 0 auto; padding: 1rem; line-height: 1.45; }
  header { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; justify-content: space-between; }
  h1 { font-size: 1.3rem; margin: 0; }
  fieldset { border: 1px solid #8884; border-radius: .5rem; margin: 1rem 0; }
  label { display: inline-flex; gap: .4rem; align-items: center; margin: .25rem .75rem .25rem 0; }
  input, select, textarea, button { font: inherit; padding: .35rem .5rem; }
  textarea { width: 100%; box-sizing: border-box; }
  button { background: var(--accent); color: #fff; border: 0; border-radius: .35rem; cursor: pointer; }
  button:disabled { opacity: .5; cursor: default; }
  #transcript { white-space: pre-wrap; border: 1px solid #8884; border-radius: .5rem; padding: .75rem; min-height: 6rem; }
  .user { font-weight: 600; margin-top: .5rem; }
  .reasoning { opacity: .65; font-style: italic; }
  .error { color: #d33; }
  #images img { width: min(100%, 512px); image-rendering: auto; border-radius: .5rem; margin-top: .5rem; }
  small { opacity: .75; }
</style>
</head>
<body>
<header>
  <h1>Workers AI · OpenAI-compatible playground</h1>
  <nav><a href="docs">API reference</a> · <a href="openapi.json">openapi.json</a></nav>
</header>
<fieldset>
  <legend>Connection</legend>
  <label>API key <input id="key" type="password" autocomplete="off" placeholder="PROXY_API_KEY (blank if none)"></label>
  <button id="load" type="button">Load models</button>
  <small id="status" role="status"></small>
</fieldset>
<fieldset>
  <legend>Chat</legend>
  <label>Model <select id="chat-model"></select></label>
  <div id="transcript" aria-live="polite"></div>
  <form id="chat-form">
    <textarea id="prompt" rows="3" placeholder="Say something…" required></textarea>
    <button id="send" type="submit">Send (streaming)</button>
  </form>
</fieldset>
<fieldset>
  <legend>Image</legend>
  <form id="image-form">
    <label>Model <select id="image-model"></select></label>
    <textarea id="image-prompt" rows="2" placeholder="A lighthouse at dusk, watercolor" required></textarea>
    <button id="generate" type="submit">Generate</button>
  </form>
  <div id="images"></div>
</fieldset>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const base = new URL('v1/', location.href.replace(/[^/]*$/, ''));
  const keyInput = $('key');
  keyInput.value = localStorage.getItem('playground-key') || '';
  const headers = () => {
    const h = { 'content-type': 'application/json' };
    if (keyInput.value) h.authorization = 'Bearer ' + keyInput.value;
    return h;
  };
  const status = (text, isError) => { $('status').textContent = text; $('status').className = isError ? 'error' : ''; };
  const errorText = async (res) => {
    try { const body = await res.json(); return body.error && body.error.message || res.statusText; } catch { return res.statusText; }
  };
  async function listModels(protocol, select) {
    const res = await fetch(new URL('models?protocol=' + protocol, base), { headers: headers() });
    if (!res.ok) throw new Error(await errorText(res));
    const { data } = await res.json();
    select.replaceChildren(...data.map((m) => new Option(m.id, m.id)));
    return data.length;
  }
  async function load() {
    localStorage.setItem('playground-key', keyInput.value);
    status('Loading models…');
    try {
      const chat = await listModels('openai-chat', $('chat-model'));
      const images = await listModels('openai-images', $('image-model')).catch(() => 0);
      status(chat + ' chat models, ' + images + ' image models.');
    } catch (err) {
      status(err.message, true);
    }
  }
  $('load').addEventListener('click', load);

  const history = [];
  $('chat-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('prompt').value.trim();
    if (!text) return;
    $('prompt').value = '';
    history.push({ role: 'user', content: text });
    const who = document.createElement('div');
    who.className = 'user';
    who.textContent = 'You: ' + text;
    const thinking = document.createElement('div');
    thinking.className = 'reasoning';
    const answer = document.createElement('div');
    answer.className = 'assistant';
    $('transcript').append(who, thinking, answer);
    $('send').disabled = true;
    try {
      const res = await fetch(new URL('chat/completions', base), {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ model: $('chat-model').value, messages: history, stream: true }),
      });
      if (!res.ok) throw new Error(await errorText(res));
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\\n\\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.replace(/^data: ?/, '');
          if (data === '[DONE]') continue;
          const chunk = JSON.parse(data);
          if (chunk.error) throw new Error(chunk.error.message);
          const delta = (chunk.choices[0] || {}).delta || {};
          if (delta.reasoning_content) thinking.textContent += delta.reasoning_content;
          if (delta.content) answer.textContent += delta.content;
        }
      }
      history.push({ role: 'assistant', content: answer.textContent });
    } catch (err) {
      answer.className = 'error';
      answer.textContent = err.message;
      history.pop();
    } finally {
      $('send').disabled = false;
    }
  });

  $('image-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('generate').disabled = true;
    const out = $('images');
    out.textContent = 'Generating…';
    try {
      const res = await fetch(new URL('images/generations', base), {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ model: $('image-model').value, prompt: $('image-prompt').value, response_format: 'b64_json' }),
      });
      if (!res.ok) throw new Error(await errorText(res));
      const { data } = await res.json();
      out.replaceChildren(...data.map((d) => {
        const img = new Image();
        img.alt = $('image-prompt').value;
        img.src = d.b64_json ? 'data:image/' + (d.b64_json.startsWith('/9j/') ? 'jpeg' : 'png') + ';base64,' + d.b64_json : d.url;
        return img;
      }));
    } catch (err) {
      out.className = 'error';
      out.textContent = err.message;
    } finally {
      $('generate').disabled = false;
    }
  });

  load();
})();
</script>
</body>
</html>`;
