/**
 * The playground at GET /: a single self-contained page (no external assets) that lists the
 * models, chats with streaming (the reasoning shown apart from the answer, an image attached for
 * vision models), generates images, speaks a text and compares two texts by embedding similarity,
 * all through this Worker's own API. A constant string: nothing is computed per request.
 */
import { pageStart } from './chrome';

export const PLAYGROUND_HTML = /* html */ `${pageStart('playground', '60rem')}
  input, select, textarea, button { font: inherit; padding: .35rem .5rem; }
  textarea { width: 100%; box-sizing: border-box; }
  button:disabled { opacity: .5; cursor: default; }
  #transcript { white-space: pre-wrap; border: 1px solid #8884; border-radius: .5rem; padding: .75rem; min-height: 6rem; }
  .user { font-weight: 600; margin-top: .5rem; }
  details.reasoning { opacity: .7; font-style: italic; margin: .25rem 0; }
  details.reasoning summary { cursor: pointer; font-style: normal; }
  #attached img, .user img { max-height: 6rem; border-radius: .35rem; vertical-align: middle; }
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
    <label>Image <input id="chat-image" type="file" accept="image/*"></label> <span id="attached"></span>
    <button id="send" type="submit">Send (streaming)</button>
  </form>
  <small>The reasoning of reasoning models (qwq, deepseek-r1, gpt-oss, ...) appears folded above each answer; an image needs a vision model (llama-4-scout, llama-3.2-11b-vision, ...).</small>
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
<fieldset>
  <legend>Voice</legend>
  <form id="speech-form">
    <label>Model <select id="speech-model"></select></label>
    <label>Voice <select id="voice"><option>alloy</option><option>ash</option><option>coral</option><option>echo</option><option>fable</option><option>nova</option><option>onyx</option><option>sage</option><option>shimmer</option></select></label>
    <textarea id="speech-text" rows="2" required>Hello from Workers AI!</textarea>
    <button id="speak" type="submit">Speak</button>
  </form>
  <div id="speech"></div>
</fieldset>
<fieldset>
  <legend>Embeddings similarity</legend>
  <form id="similarity-form">
    <label>Model <select id="embedding-model"></select></label>
    <textarea id="text-a" rows="2" required>A lighthouse guides ships at night.</textarea>
    <textarea id="text-b" rows="2" required>Lighthouses warn ships of the rocks.</textarea>
    <button id="compare" type="submit">Compare</button>
  </form>
  <div id="similarity" role="status"></div>
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
      const voices = await listModels('openai-speech', $('speech-model')).catch(() => 0);
      const embedders = await listModels('openai-embeddings', $('embedding-model')).catch(() => 0);
      status(chat + ' chat models, ' + images + ' image models, ' + voices + ' voices, ' + embedders + ' embedding models.');
    } catch (err) {
      status(err.message, true);
    }
  }
  $('load').addEventListener('click', load);

  const history = [];
  let imageUrl = null;
  $('chat-image').addEventListener('change', () => {
    const file = $('chat-image').files[0];
    imageUrl = null;
    $('attached').replaceChildren();
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      imageUrl = reader.result;
      const img = new Image();
      img.src = imageUrl;
      img.alt = file.name;
      $('attached').replaceChildren(img);
    };
    reader.readAsDataURL(file);
  });
  $('chat-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('prompt').value.trim();
    if (!text) return;
    $('prompt').value = '';
    history.push({ role: 'user', content: imageUrl ? [{ type: 'text', text }, { type: 'image_url', image_url: { url: imageUrl } }] : text });
    const who = document.createElement('div');
    who.className = 'user';
    who.textContent = 'You: ' + text + ' ';
    if (imageUrl) { const img = new Image(); img.src = imageUrl; img.alt = 'attached image'; who.append(img); }
    imageUrl = null;
    $('chat-image').value = '';
    $('attached').replaceChildren();
    // The reasoning, apart from the answer: folded once the answer starts.
    const thinking = document.createElement('details');
    thinking.className = 'reasoning';
    thinking.hidden = true;
    thinking.open = true;
    const thinkingText = document.createElement('div');
    thinking.append(Object.assign(document.createElement('summary'), { textContent: 'Reasoning' }), thinkingText);
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
          if (delta.reasoning_content) { thinking.hidden = false; thinkingText.textContent += delta.reasoning_content; }
          if (delta.content) { if (!answer.textContent) thinking.open = false; answer.textContent += delta.content; }
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

  $('speech-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('speak').disabled = true;
    const out = $('speech');
    out.className = '';
    out.textContent = 'Speaking…';
    try {
      const res = await fetch(new URL('audio/speech', base), {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ model: $('speech-model').value, input: $('speech-text').value, voice: $('voice').value, response_format: $('speech-model').value.includes('melotts') ? 'mp3' : 'wav' }),
      });
      if (!res.ok) throw new Error(await errorText(res));
      const blob = await res.blob();
      const audio = new Audio(URL.createObjectURL(blob));
      audio.controls = true;
      audio.dataset.bytes = String(blob.size);
      audio.dataset.type = blob.type;
      out.replaceChildren(audio);
      audio.play().catch(() => {});
    } catch (err) {
      out.className = 'error';
      out.textContent = err.message;
    } finally {
      $('speak').disabled = false;
    }
  });

  const cosine = (a, b) => {
    let dot = 0, na = 0, nb = 0;
    for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
    return dot / (Math.sqrt(na * nb) || 1);
  };
  $('similarity-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('compare').disabled = true;
    const out = $('similarity');
    out.className = '';
    out.textContent = 'Embedding…';
    try {
      const res = await fetch(new URL('embeddings', base), {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ model: $('embedding-model').value, input: [$('text-a').value, $('text-b').value] }),
      });
      if (!res.ok) throw new Error(await errorText(res));
      const { data } = await res.json();
      const score = cosine(data[0].embedding, data[1].embedding);
      out.dataset.score = String(score);
      out.textContent = 'Cosine similarity: ' + score.toFixed(3) + ' (' + data[0].embedding.length + ' dimensions; 1 = same direction)';
    } catch (err) {
      out.className = 'error';
      out.textContent = err.message;
    } finally {
      $('compare').disabled = false;
    }
  });

  load();
})();
</script>
</body>
</html>`;
