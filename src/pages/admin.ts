/**
 * The admin page at GET /admin: managed keys (list, create, disable, delete) and their spend by
 * day and model as a stacked bar chart in inline SVG, all through the admin API (/admin/keys,
 * /admin/usage) with the ADMIN_API_KEY the operator types in (kept in this tab's sessionStorage).
 * Self-contained (no CDN, no external asset); a constant string built into the static assets.
 * Every value from the API is put in with textContent, never as HTML.
 */
import { pageStart } from './chrome';

export const ADMIN_HTML = /* html */ `${pageStart('admin', '72rem')}
  input, select, button { font: inherit; padding: .3rem .5rem; }
  input[type=number] { width: 7rem; }
  button.plain { background: #8884; color: inherit; }
  table { border-collapse: collapse; width: 100%; font-size: .92rem; }
  th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #8883; vertical-align: top; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  code { font-size: .9em; }
  .error { color: #d33; }
  .secret { background: #f3802022; border-radius: .35rem; padding: .5rem; margin: .5rem 0; word-break: break-all; }
  #chart svg { max-width: 100%; height: auto; }
  .legend span { display: inline-flex; align-items: center; gap: .3rem; margin-right: 1rem; font-size: .9rem; }
  .legend i { width: .8rem; height: .8rem; border-radius: .15rem; display: inline-block; }
  small { opacity: .75; }
</style>
</head>
<body>
<header>
  <h1>Workers AI · managed keys</h1>
  <nav><a href="/">Playground</a> · <a href="/docs">API reference</a></nav>
</header>
<fieldset>
  <legend>Admin key</legend>
  <label>ADMIN_API_KEY <input id="admin-key" type="password" autocomplete="off" size="40"></label>
  <button id="connect" type="button">Load</button>
  <small id="status" role="status"></small>
</fieldset>
<fieldset>
  <legend>Keys</legend>
  <table>
    <thead><tr><th>Name</th><th>Id</th><th>Models</th><th class="num">Daily $</th><th class="num">Monthly $</th><th class="num">rpm</th><th>Expires</th><th>State</th><th></th></tr></thead>
    <tbody id="keys"></tbody>
  </table>
</fieldset>
<fieldset>
  <legend>New key</legend>
  <form id="create">
    <label>Name <input id="new-name" required maxlength="100"></label>
    <label>Models <input id="new-models" placeholder="@cf/meta/*, @cf/baai/bge-base-en-v1.5 (blank: all)" size="40"></label>
    <label>Daily budget $ <input id="new-daily" type="number" min="0" step="any"></label>
    <label>Monthly budget $ <input id="new-monthly" type="number" min="0" step="any"></label>
    <label>Requests/min <input id="new-rpm" type="number" min="1" step="1"></label>
    <label>Expires <input id="new-expires" type="date"></label>
    <button type="submit">Create</button>
  </form>
  <div id="created"></div>
</fieldset>
<fieldset>
  <legend>Spend</legend>
  <label>Key <select id="usage-key"><option value="">all keys</option></select></label>
  <label>From <input id="usage-from" type="date"></label>
  <label>To <input id="usage-to" type="date"></label>
  <button id="usage-load" type="button">Show</button>
  <p id="usage-total"></p>
  <div id="chart"></div>
  <div id="legend" class="legend"></div>
  <table>
    <thead><tr><th>Model</th><th class="num">Runs</th><th class="num">Unpriced runs</th><th class="num">USD</th></tr></thead>
    <tbody id="models"></tbody>
  </table>
</fieldset>
<script>
const $ = (id) => document.getElementById(id);
const keyInput = $('admin-key');
keyInput.value = sessionStorage.getItem('adminKey') || '';
const status = (text, error) => { $('status').textContent = text; $('status').className = error ? 'error' : ''; };
const el = (tag, text, attrs) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; for (const k in attrs || {}) e.setAttribute(k, attrs[k]); return e; };
const usd = (x) => (x === null || x === undefined ? '' : '$' + Number(x.toPrecision(6)));

async function api(path, init) {
  const res = await fetch(path, { ...init, headers: { authorization: 'Bearer ' + keyInput.value.trim(), 'content-type': 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body.error && body.error.message) || 'HTTP ' + res.status);
  return body;
}

async function loadKeys() {
  const { data } = await api('/admin/keys');
  const rows = $('keys');
  rows.replaceChildren();
  const select = $('usage-key');
  const chosen = select.value;
  select.replaceChildren(el('option', 'all keys', { value: '' }));
  for (const k of data) {
    const expired = k.expires_at !== null && k.expires_at * 1000 <= Date.now();
    const tr = el('tr');
    tr.append(el('td', k.name), el('td', k.id + ' ' + k.redacted_value), el('td', k.models.join(', ') || 'all'),
      el('td', usd(k.daily_budget_usd), { class: 'num' }), el('td', usd(k.monthly_budget_usd), { class: 'num' }), el('td', k.rpm ?? '', { class: 'num' }),
      el('td', k.expires_at === null ? 'never' : new Date(k.expires_at * 1000).toISOString().slice(0, 10)),
      el('td', k.disabled ? 'disabled' : expired ? 'expired' : 'active'));
    const actions = el('td');
    const toggle = el('button', k.disabled ? 'Enable' : 'Disable', { type: 'button', class: 'plain' });
    toggle.onclick = () => run(async () => { await api('/admin/keys/' + k.id, { method: 'PATCH', body: JSON.stringify({ disabled: !k.disabled }) }); await loadKeys(); });
    const remove = el('button', 'Delete', { type: 'button', class: 'plain' });
    remove.onclick = () => confirm('Delete ' + k.name + '? It stops working at once.') && run(async () => { await api('/admin/keys/' + k.id, { method: 'DELETE' }); await loadKeys(); });
    actions.append(toggle, ' ', remove);
    tr.append(actions);
    rows.append(tr);
    select.append(el('option', k.name, { value: k.id }));
  }
  select.value = chosen;
  status(data.length + ' key' + (data.length === 1 ? '' : 's'));
}

const COLORS = ['#f38020', '#2f7ed8', '#3aa655', '#b5478f', '#d9a400', '#5b6ee1', '#d94a3d', '#2aa7a7'];

/** A stacked bar per day, one colour per model, in inline SVG. */
function drawChart(report) {
  const models = report.models.map((m) => m.model);
  const color = (m) => COLORS[models.indexOf(m) % COLORS.length];
  const days = report.days;
  const max = Math.max(...days.map((d) => d.cost), 0);
  const left = 84, W = Math.max(480, left + days.length * 28 + 10), H = 220, bottom = 30, bar = 18;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  svg.setAttribute('width', W);
  svg.setAttribute('height', H);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Spend by day and model');
  const add = (tag, attrs, text) => { const e = document.createElementNS(ns, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; svg.append(e); return e; };
  const y = (v) => H - bottom - (max ? (v / max) * (H - bottom - 10) : 0);
  add('line', { x1: left, x2: W - 5, y1: H - bottom, y2: H - bottom, stroke: 'currentColor', 'stroke-opacity': '.4' });
  add('text', { x: left - 6, y: y(max) + 4, 'text-anchor': 'end', 'font-size': 10, fill: 'currentColor' }, usd(max));
  add('text', { x: left - 6, y: H - bottom + 4, 'text-anchor': 'end', 'font-size': 10, fill: 'currentColor' }, '$0');
  days.forEach((d, i) => {
    const x = left + 8 + i * 28;
    let base = 0;
    for (const m of models) {
      const s = d.models[m];
      if (!s || !s.cost) continue;
      const r = add('rect', { x, width: bar, y: y(base + s.cost), height: y(base) - y(base + s.cost), fill: color(m) });
      r.append(Object.assign(document.createElementNS(ns, 'title'), { textContent: d.date + ' ' + m + ': ' + usd(s.cost) + ' (' + s.runs + ' runs)' }));
      base += s.cost;
    }
    add('text', { x: x + bar / 2, y: H - bottom + 14, 'text-anchor': 'middle', 'font-size': 9, fill: 'currentColor' }, d.date.slice(5));
  });
  $('chart').replaceChildren(days.length ? svg : el('small', 'No spend in this range.'));
  $('legend').replaceChildren(...models.map((m) => { const s = el('span', m); s.prepend(el('i', undefined, { style: 'background:' + color(m) })); return s; }));
}

async function loadUsage() {
  const q = new URLSearchParams();
  for (const [name, id] of [['key', 'usage-key'], ['from', 'usage-from'], ['to', 'usage-to']]) if ($(id).value) q.set(name, $(id).value);
  const report = await api('/admin/usage?' + q);
  $('usage-from').value = report.from;
  $('usage-to').value = report.to;
  $('usage-total').textContent = report.from + ' to ' + report.to + ': ' + usd(report.total.cost) + ' over ' + report.total.runs + ' runs' + (report.total.unpriced ? ' (' + report.total.unpriced + ' unpriced)' : '');
  drawChart(report);
  $('models').replaceChildren(...report.models.map((m) => {
    const tr = el('tr');
    tr.append(el('td', m.model), el('td', m.runs, { class: 'num' }), el('td', m.unpriced, { class: 'num' }), el('td', usd(m.cost), { class: 'num' }));
    return tr;
  }));
}

async function run(task) {
  try { await task(); } catch (err) { status(err.message, true); }
}

$('connect').onclick = () => run(async () => { sessionStorage.setItem('adminKey', keyInput.value.trim()); await loadKeys(); await loadUsage(); });
$('usage-load').onclick = () => run(loadUsage);
$('create').onsubmit = (event) => {
  event.preventDefault();
  run(async () => {
    const num = (id) => ($(id).value === '' ? undefined : Number($(id).value));
    const models = $('new-models').value.split(',').map((s) => s.trim()).filter(Boolean);
    const expires = $('new-expires').value;
    const body = { name: $('new-name').value, models, daily_budget_usd: num('new-daily'), monthly_budget_usd: num('new-monthly'), rpm: num('new-rpm'),
      expires_at: expires ? Math.floor(Date.parse(expires + 'T00:00:00Z') / 1000) : undefined };
    const key = await api('/admin/keys', { method: 'POST', body: JSON.stringify(body) });
    const note = el('div', undefined, { class: 'secret' });
    note.append(el('strong', 'Secret of ' + key.name + ' (shown only now): '), el('code', key.secret, { id: 'new-secret' }));
    $('created').replaceChildren(note);
    $('create').reset();
    await loadKeys();
  });
};
if (keyInput.value) $('connect').click();
</script>
</body>
</html>
`;
