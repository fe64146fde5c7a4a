#!/usr/bin/env node
/**
 * Generates the project's model data from Cloudflare's published model descriptions in
 * ../shared/workers-ai-models (see SOURCE.md and LIFECYCLE.md there):
 *
 *   src/services/models/lifecycle.generated.ts   retired models (date + successor) and paid-only
 *                                                models; ships in the Worker (small).
 *   src/dev/emulator/catalog.generated.ts  the emulator's catalog (live models only), with
 *                                                a compact, deduplicated form of each schema;
 *                                                dev-only.
 *
 *   node scripts/gen-models.mjs           write both files
 *   node scripts/gen-models.mjs --check   exit 1 when a file is not what the data gives
 *
 * The successor of each retired model is a choice, not data: SUCCESSORS below says which and why.
 * Everything else is read from the files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorCatalog } from './gen-models/emulator.mjs';
import { readSnapshot } from './gen-models/snapshot.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DATA = process.env.WORKERS_AI_MODELS_DIR ?? path.resolve(ROOT, '../shared/workers-ai-models');
export const OUTPUTS = {
  lifecycle: 'src/services/models/lifecycle.generated.ts',
  emulator: 'src/dev/emulator/catalog.generated.ts',
};

const FAST_8B = '@cf/meta/llama-3.1-8b-instruct-fast';
const GLM_FLASH = '@cf/zai-org/glm-4.7-flash';
const GEMMA_4 = '@cf/google/gemma-4-26b-a4b-it';
const WHY = {
  fast: 'WORKERS_AI.md: the live successor of the 8B models; LIFECYCLE.md: the -fast variants stay active',
  seventy: 'LIFECYCLE.md: the -fast variants stay active; same family and size',
  kimi: 'LIFECYCLE.md: requests are aliased upstream to kimi-k2.6',
  gemma: 'LIFECYCLE.md: recommended replacement (vision, like this model)',
  glm: 'LIFECYCLE.md: recommended replacement (function calling, like this model)',
  guard: 'the live Llama Guard model (same task: safety classification)',
  general: 'LIFECYCLE.md: recommended replacement',
};
/** Retired id (or a RegExp over ids) -> [successor, why]. First match wins; every retired model must match one. */
const SUCCESSORS = [
  ['@cf/moonshotai/kimi-k2.5', '@cf/moonshotai/kimi-k2.6', WHY.kimi],
  ['@cf/meta/llama-3.1-70b-instruct', '@cf/meta/llama-3.3-70b-instruct-fp8-fast', WHY.seventy],
  ['@cf/google/gemma-3-12b-it', GEMMA_4, WHY.gemma],
  ['@cf/unum/uform-gen2-qwen-500m', GEMMA_4, WHY.gemma],
  ['@hf/nousresearch/hermes-2-pro-mistral-7b', GLM_FLASH, WHY.glm],
  ['@hf/thebloke/llamaguard-7b-awq', '@cf/meta/llama-guard-3-8b', WHY.guard],
  [/\/(?:meta-)?llama-[23]|\/mistral-7b|\/gemma-7b|\/phi-2|\/tinyllama|\/qwen1\.5-(?:0\.5|1\.8|7)b|\/openchat|\/falcon|\/zephyr|\/neural-chat|\/openhermes|\/starling|\/una-cybertron|\/discolm/, FAST_8B, WHY.fast],
  [/./, GLM_FLASH, WHY.general],
];

/** `- \`@cf/...\`, ...` lines of a LIFECYCLE.md section, and the prose list of the 2025-10-01 batch. */
function retiredFromLifecycle(text, ids) {
  const out = new Map();
  const section = /## Retired on (\d{4}-\d{2}-\d{2})\n([\s\S]*?)\n\n/.exec(text);
  if (!section) throw new Error('LIFECYCLE.md: no "## Retired on <date>" section');
  const [, date, body] = section;
  for (const line of body.split('\n').filter((l) => l.startsWith('- '))) {
    // Only the first backticked id of a "(requests are aliased to ...)" remark is retired.
    for (const [, id] of line.replace(/\(.*\)/, '').matchAll(/`([^`]+)`/g)) out.set(id, date);
  }
  const earlier = /An earlier batch was retired on (\d{4}-\d{2}-\d{2}) \(([\s\S]*?)\)/.exec(text);
  if (!earlier) throw new Error('LIFECYCLE.md: no "An earlier batch was retired on <date> (...)" paragraph');
  const [, date2, prose] = earlier;
  for (let name of prose.replace(/\s+/g, ' ').replace(/ and others$/, '').split(', ')) {
    name = name.replace(/^the /, '').replace(/ models$/, '').replace(/`/g, '');
    const glob = name.includes('/')
      ? new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
      : new RegExp(`/${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&')}`);
    const hits = ids.filter((id) => glob.test(id));
    if (!hits.length) throw new Error(`LIFECYCLE.md: "${name}" (retired ${date2}) matches no model in the snapshot`);
    for (const id of hits) if (!out.has(id)) out.set(id, date2);
  }
  return out;
}

function paidFromLifecycle(text) {
  const section = /## Workers Paid only since [^\n]*\n[^\n]*\n([\s\S]*?)answer HTTP 403/.exec(text);
  if (!section) throw new Error('LIFECYCLE.md: no "## Workers Paid only since" section');
  return [...section[1].replace(/\(.*?\)/gs, '').matchAll(/`(@[^`]+)`/g)].map((m) => m[1]);
}

export function build(dir = DATA) {
  const snapshot = readSnapshot(dir);
  const lifecycleText = fs.readFileSync(path.join(dir, 'LIFECYCLE.md'), 'utf8');
  const cutoff = /read (\d{4}-\d{2}-\d{2})/.exec(lifecycleText)?.[1];
  if (!cutoff) throw new Error('LIFECYCLE.md: no "read <date>" in its title');
  const ids = snapshot.map((m) => m.name);
  const retired = retiredFromLifecycle(lifecycleText, ids);
  // A planned_deprecation_date already past when the snapshot was read counts too.
  for (const m of snapshot) {
    const day = m.props.planned_deprecation_date?.slice(0, 10);
    if (day && day <= cutoff && !retired.has(m.name)) retired.set(m.name, day);
  }
  const rows = [...retired]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, date]) => {
      const rule = SUCCESSORS.find(([match]) => (typeof match === 'string' ? match === id : match.test(id)));
      const [, successor, why] = rule;
      if (retired.has(successor)) throw new Error(`successor ${successor} of ${id} is retired too`);
      if (!ids.includes(successor)) throw new Error(`successor ${successor} of ${id} is not in the snapshot`);
      return { id, date, successor, why: Object.keys(WHY).find((k) => WHY[k] === why) };
    });
  const paid = [...new Set([...paidFromLifecycle(lifecycleText), ...snapshot.filter((m) => m.props.require_workers_paid === 'true').map((m) => m.name)])].sort();
  const live = snapshot.filter((m) => !retired.has(m.name));
  return {
    lifecycle: lifecycleModule(rows, paid, cutoff),
    emulator: emulatorCatalog(live, paid),
    stats: { models: snapshot.length, retired: rows.length, paid: paid.length, live: live.length },
  };
}

const HEADER = (what) =>
  `// GENERATED by scripts/gen-models.mjs from ../shared/workers-ai-models (${what}). Do not edit:\n// change the data or the script, then run \`node scripts/gen-models.mjs\`.\n`;

function lifecycleModule(rows, paid, cutoff) {
  // One line per (day, successor, reason) with its ids space-separated: the table is bundled, and
  // 50 entries repeating their day and successor cost a third more there than these groups.
  const groups = new Map();
  for (const r of rows) {
    const key = `${r.date} ${r.successor} ${r.why}`;
    if (!groups.has(key)) groups.set(key, { ...r, ids: [] });
    groups.get(key).ids.push(r.id);
  }
  const lines = [...groups.values()].map((g) => `  [${JSON.stringify(g.date)}, ${JSON.stringify(g.successor)}, ${JSON.stringify(g.ids.join(' '))}], // ${g.why}`);
  const legend = Object.entries(WHY).map(([k, v]) => ` *   ${k}: ${v}`).join('\n');
  return `${HEADER(`LIFECYCLE.md, read ${cutoff}, and the model files`)}
/**
 * Retired models: [retirement date (UTC day), successor id, the retired ids (space-separated)].
 * Dates from LIFECYCLE.md or a past planned_deprecation_date; the successor is chosen in the
 * script, for the reason on its line:
${legend}
 */
const GROUPS: readonly (readonly [string, string, string])[] = [
${lines.join('\n')}
];

/** Retired model id -> [retirement date, successor id]. */
export const RETIRED: Readonly<Record<string, readonly [string, string]>> = Object.fromEntries(
  GROUPS.flatMap(([day, successor, ids]) => ids.split(' ').map((id) => [id, [day, successor] as const])),
);

/** Models that need the Workers Paid plan (LIFECYCLE.md and the files' require_workers_paid), for catalogs that do not say. */
export const PAID_ONLY: readonly string[] = ${JSON.stringify(paid)};
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const out = build();
  let stale = 0;
  for (const [key, rel] of Object.entries(OUTPUTS)) {
    const file = path.join(ROOT, rel);
    const text = out[key];
    if (!text) continue;
    if (check) {
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) (stale++, console.error(`${rel} is out of date: run node scripts/gen-models.mjs`));
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      console.log(`wrote ${rel} (${text.length} bytes)`);
    }
  }
  console.log(JSON.stringify(out.stats));
  process.exit(stale ? 1 : 0);
}
