/**
 * Reads ../shared/workers-ai-models: every model file listed in index.json, whole (.json, .yaml)
 * or partial (partial/*.partial.json: metadata only, no schema). See SOURCE.md there.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** A partial record's head is the file text up to the "schema" key; closing it gives the metadata (as build-index.mjs does). */
function readPartial(dir, file) {
  const rec = JSON.parse(fs.readFileSync(path.join(dir, 'partial', file.replace(/\.json$/, '.partial.json')), 'utf8'));
  const doc = JSON.parse(`${rec.head.text.replace(/[\s,]*$/, '')}\n}`);
  const m = /"deprecated"\s*:\s*(true|false)/.exec(rec.tail.text);
  if (m) doc.deprecated = m[1] === 'true';
  return doc;
}

function readYaml(dir, file) {
  const doc = YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  // The .yaml layout keeps each schema as a JSON string under json_schema.
  const js = doc.json_schema ?? {};
  const parse = (x) => (typeof x === 'string' ? JSON.parse(x) : x);
  return { ...doc.model, schema: js.input ? { input: parse(js.input), output: parse(js.output) } : null };
}

/** [{file, name, task, created_at, props, schema|null, partial, doc}] sorted by name; one entry per id. */
export function readSnapshot(dir) {
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const byName = new Map();
  for (const e of index) {
    const doc = e.partial ? readPartial(dir, e.file) : e.file.endsWith('.yaml') ? readYaml(dir, e.file) : JSON.parse(fs.readFileSync(path.join(dir, e.file), 'utf8'));
    const props = {};
    for (const p of Array.isArray(doc.properties) ? doc.properties : []) props[p.property_id] = p.value;
    const entry = { file: e.file, name: doc.name, task: doc.task?.name ?? e.task, created_at: doc.created_at, props, schema: e.partial ? null : (doc.schema ?? null), partial: !!e.partial, doc };
    const prev = byName.get(entry.name);
    // qwen.json is a stray copy of qwen1.5-0.5b-chat.json (SOURCE.md): keep the file named for the id.
    if (!prev || entry.name.endsWith(`/${entry.file.replace(/\.(json|yaml)$/, '')}`)) byName.set(entry.name, entry);
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}
