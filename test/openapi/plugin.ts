/**
 * Vite plugin (runs on the Node side, at vitest config time) that compiles the
 * official OpenAI OpenAPI document's component schemas into standalone Ajv
 * validators and serves them as the virtual module `virtual:openai-schemas`.
 *
 * Why: tests run inside workerd, which forbids `eval` / `new Function`, so Ajv
 * cannot compile schemas there. Ajv's standalone code generation turns the
 * schemas into plain JS functions ahead of time.
 *
 * Ajv setup: Ajv2020 (OpenAPI 3.1 = JSON Schema 2020-12), strict: false,
 * allErrors, ajv-formats; the whole components.schemas map is added as one root
 * document so every `#/components/schemas/X` $ref resolves. OpenAPI-3.0-isms
 * still present in the document are rewritten first (see preprocess()), and
 * spec discriminators are turned into tag-selected if/then chains so a bad
 * union member reports only its own errors (see prepareDiscriminators()).
 *
 * Generation takes ~1.2 s (0.6 s of it YAML parsing), so the code is cached on
 * disk under `node_modules/.cache/openai-schemas/<key>.mjs`, keyed by the
 * YAML's path + mtime + size, the schema-name list, the Ajv version, a hash of
 * this file and CACHE_VERSION (a hit costs ~3 ms), and memoised per process.
 *
 * Node typings (@types/node) are not installed in this project, so the Node
 * built-ins are imported untyped (see the @ts-ignore lines) and described by
 * the small local interfaces below.
 */
// @ts-ignore -- no @types/node in this project; typed locally via NodeFs
import * as nodeFs from 'node:fs';
// @ts-ignore -- no @types/node in this project; typed locally via NodePath
import * as nodePath from 'node:path';
// @ts-ignore -- no @types/node in this project
import { fileURLToPath } from 'node:url';
// @ts-ignore -- no @types/node in this project
import { createHash } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/** Schemas (components.schemas names) exported by `virtual:openai-schemas`. */
export const SCHEMA_NAMES = [
  'CreateChatCompletionResponse',
  'CreateChatCompletionStreamResponse',
  'CreateCompletionResponse',
  'ListModelsResponse',
  'Model',
  'ErrorResponse',
  'CreateEmbeddingResponse',
  'CreateModerationResponse',
  'ImagesResponse',
  'CreateTranscriptionResponseJson',
  'CreateTranscriptionResponseVerboseJson',
  'CreateTranslationResponseJson',
  'CreateTranslationResponseVerboseJson',
  'Response',
  'ResponseStreamEvent',
] as const;

export type SchemaName = (typeof SCHEMA_NAMES)[number];

export const VIRTUAL_ID = 'virtual:openai-schemas';
const RESOLVED_ID = '\0' + VIRTUAL_ID;

/** Bump when the generation / preprocessing logic changes (invalidates the disk cache). */
const CACHE_VERSION = 10;
const ROOT_ID = 'https://openai-schemas.invalid/openapi.json';

interface NodeStats {
  mtimeMs: number;
  size: number;
}
interface NodeFs {
  statSync(p: string): NodeStats;
  readFileSync(p: string, enc: 'utf8'): string;
  writeFileSync(p: string, data: string): void;
  existsSync(p: string): boolean;
  mkdirSync(p: string, opts: { recursive: boolean }): unknown;
  renameSync(from: string, to: string): void;
  readdirSync(p: string): string[];
  unlinkSync(p: string): void;
}
interface NodePath {
  resolve(...parts: string[]): string;
  dirname(p: string): string;
  join(...parts: string[]): string;
}
// Vite's config bundler rewrites import.meta.url to this file's original URL.
// @ts-ignore -- ImportMeta.url is typed by @types/node / vite/client, neither is in this project's types
const SELF_URL: string = import.meta.url;

const fs = nodeFs as unknown as NodeFs;
const path = nodePath as unknown as NodePath;

export interface OpenaiSchemasOptions {
  /** Path to the OpenAPI YAML. Default: `<repoRoot>/../shared/openai-openapi.yaml`. */
  specPath?: string;
  /** Repository root. Default: two directories above this file. */
  repoRoot?: string;
  /** Schema names to export. Default: SCHEMA_NAMES. */
  names?: readonly string[];
  /** Disk cache directory. Default: `<repoRoot>/node_modules/.cache/openai-schemas`; `false` disables it. */
  cacheDir?: string | false;
  /** Log timing / missing-schema info. Default: true. */
  log?: boolean;
}

export interface GenerateResult {
  code: string;
  found: string[];
  missing: string[];
  ms: number;
  cached: boolean;
  specPath?: string;
  cacheFile?: string;
  /** Spec discriminators not usable for tag-based narrowing (their union is validated as plain anyOf/oneOf). */
  droppedDiscriminators?: string[];
}

/** Minimal structural subset of Vite's `Plugin` (avoids depending on Vite's node-typed .d.ts). */
export interface OpenaiSchemasPlugin {
  name: string;
  enforce: 'pre';
  resolveId(id: string): string | undefined;
  load(this: { addWatchFile?(id: string): void } | void, id: string): Promise<string | undefined>;
}

function defaultRepoRoot(): string {
  try {
    const here = path.dirname(fileURLToPath(SELF_URL) as string);
    return path.resolve(here, '..', '..');
  } catch {
    return path.resolve('.');
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys whose values are data (or vendor extensions), never schemas. */
const DATA_KEYS = new Set(['enum', 'const', 'default', 'example', 'examples']);
/**
 * Annotation-only keys dropped before compiling: Ajv embeds every compiled schema object in the
 * standalone source, and these make up most of the document's bulk (they never affect validation).
 */
const STRIP_KEYS = new Set(['description', 'title', 'example', 'examples', 'default', 'deprecated', 'externalDocs']);
/** Keys whose values are maps of name -> schema. */
const MAP_KEYS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const APPLICATOR_KEYS = ['$ref', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'const'];

interface PreprocessStats {
  nullable: number;
  exclusiveBounds: number;
  recursiveRefs: number;
  extensionKeywords: Set<string>;
  discriminatorsUsed: number;
  discriminatorsDropped: number;
  droppedDiscriminators: string[];
}

/**
 * Convert OpenAPI-3.0-isms that the 3.1 document still contains into JSON Schema 2020-12:
 *  - `nullable: true` -> `type: [T, "null"]` (+ `null` in `enum`), or `anyOf: [schema, {type: null}]`
 *    when the schema has applicators / no single type;
 *  - boolean `exclusiveMinimum` / `exclusiveMaximum` (draft-4 style) -> numeric form;
 *  - `$recursiveRef: "#"` (2019-09) -> `$ref` to the enclosing component; drops `$recursiveAnchor`.
 * Drops annotation-only keywords (description, title, example(s), default, x-*, ...).
 */
function preprocess(node: Json, component: string, stats: PreprocessStats): Json {
  if (Array.isArray(node)) return node.map((n) => preprocess(n, component, stats));
  if (!isObject(node)) return node;

  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-')) {
      stats.extensionKeywords.add(k); // dropped: vendor annotations only
    } else if (STRIP_KEYS.has(k)) {
      // annotation; dropped
    } else if (DATA_KEYS.has(k)) {
      out[k] = v;
    } else if (MAP_KEYS.has(k) && isObject(v)) {
      const m: JsonObject = {};
      for (const [pk, pv] of Object.entries(v)) m[pk] = preprocess(pv, component, stats);
      out[k] = m;
    } else {
      out[k] = preprocess(v, component, stats);
    }
  }

  for (const [bound, plain] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    const ex = out[bound];
    if (typeof ex === 'boolean') {
      stats.exclusiveBounds++;
      delete out[bound];
      if (ex && typeof out[plain] === 'number') {
        out[bound] = out[plain];
        delete out[plain];
      }
    }
  }

  if (typeof out.$recursiveRef === 'string') {
    stats.recursiveRefs++;
    if (out.$recursiveRef !== '#') {
      throw new Error(`openai-schemas: unsupported $recursiveRef ${out.$recursiveRef} in ${component}`);
    }
    delete out.$recursiveRef;
    out.$ref = `#/components/schemas/${component}`;
  }
  delete out.$recursiveAnchor;

  if ('nullable' in out && typeof out.nullable === 'boolean') {
    const nullable = out.nullable;
    delete out.nullable;
    if (nullable) {
      stats.nullable++;
      const hasApplicator = APPLICATOR_KEYS.some((k) => k in out);
      if (typeof out.type === 'string' && !hasApplicator) {
        out.type = [out.type, 'null'];
        if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      } else if (Array.isArray(out.type) && !hasApplicator) {
        if (!out.type.includes('null')) out.type = [...out.type, 'null'];
        if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      } else {
        return { anyOf: [out, { type: 'null' }] };
      }
    }
  }
  return out;
}

/**
 * Tagged unions: with allErrors, a failing `anyOf`/`oneOf` reports the errors of *every* variant
 * (e.g. ~130 errors for one bad Responses output item), which makes failures unreadable. Where the
 * spec declares a `discriminator` and the union is safely decidable by its tag, rewrite
 *   {oneOf|anyOf: [B1..Bn], discriminator: {propertyName: t}}
 * to
 *   {allOf: [{type: object, required: [t], properties: {t: {enum: [all tags]}}},
 *            {if: {type: object, required: [t], properties: {t: {const: v}}}, then: B(v)}, ...]}
 * so only the variant selected by the tag is checked. This is equivalent to the original when every
 * branch is an object schema that requires its own distinct string tag(s) (checked here, looking
 * through bare $refs and allOf). Otherwise the discriminator is dropped and the plain union is kept.
 * (Ajv's own `discriminator` option is stricter: it rejects allOf-composed variants, which the
 * Responses API output items use.) Mutates the (already preprocessed, private) schemas in place.
 */
function prepareDiscriminators(node: Json, schemas: JsonObject, stats: PreprocessStats, component: string): void {
  if (Array.isArray(node)) {
    for (const n of node) prepareDiscriminators(n, schemas, stats, component);
    return;
  }
  if (!isObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (DATA_KEYS.has(k) || k === 'discriminator') continue;
    if (MAP_KEYS.has(k) && isObject(v)) {
      for (const pv of Object.values(v)) prepareDiscriminators(pv, schemas, stats, component);
    } else {
      prepareDiscriminators(v, schemas, stats, component);
    }
  }
  if (!('discriminator' in node)) return;
  const disc = node.discriminator;
  delete node.discriminator;
  const tag = isObject(disc) ? disc.propertyName : undefined;
  const branches = Array.isArray(node.oneOf) ? node.oneOf : Array.isArray(node.anyOf) ? node.anyOf : undefined;
  const byTag = new Map<string, Json>();
  const why = ((): string | undefined => {
    if (typeof tag !== 'string' || !branches || (Array.isArray(node.oneOf) && Array.isArray(node.anyOf))) {
      return 'no propertyName / oneOf / anyOf';
    }
    const topRequired = Array.isArray(node.required) && node.required.includes(tag);
    for (const b of branches) {
      const label = isObject(b) && typeof b.$ref === 'string' ? b.$ref.slice(REF_PREFIX.length) : 'inline branch';
      const sch = deref(schemas, b);
      if (!sch) return `${label}: unresolvable`;
      if (!isObjectTyped(schemas, sch)) return `${label}: not type object`;
      if (!topRequired && !requiresProp(schemas, sch, tag)) return `${label}: ${tag} not required`;
      const values = tagValues(schemas, sch, tag);
      if (!values.length) return `${label}: ${tag} has no const/enum`;
      for (const v of values) {
        if (typeof v !== 'string' || byTag.has(v)) return `${label}: duplicate/non-string tag ${JSON.stringify(v)}`;
        byTag.set(v, b);
      }
    }
    return undefined;
  })();
  if (why) {
    stats.discriminatorsDropped++;
    stats.droppedDiscriminators.push(`${component}: ${why}`);
    return;
  }
  const t = tag as string;
  const allOf: Json[] = Array.isArray(node.allOf) ? [...node.allOf] : [];
  allOf.push({ type: 'object', required: [t], properties: { [t]: { type: 'string', enum: [...byTag.keys()] } } });
  // `type`/`required` in the `if` so that non-objects / untagged objects never reach the `then`s
  for (const [v, b] of byTag) allOf.push({ if: { type: 'object', required: [t], properties: { [t]: { const: v } } }, then: b });
  delete node.oneOf;
  delete node.anyOf;
  node.allOf = allOf;
  stats.discriminatorsUsed++;
}

/** Whether a schema only accepts objects (`type: object` on it, or on a bare $ref target / allOf part). */
function isObjectTyped(schemas: JsonObject, s: JsonObject, depth = 0): boolean {
  const t = s.type;
  if (t === 'object' || (Array.isArray(t) && t.length === 1 && t[0] === 'object')) return true;
  if (depth > 10) return false;
  const parts = [...(Array.isArray(s.allOf) ? s.allOf : []), ...(typeof s.$ref === 'string' ? [{ $ref: s.$ref }] : [])];
  return parts.some((p) => {
    const d = deref(schemas, p);
    return d ? isObjectTyped(schemas, d, depth + 1) : false;
  });
}

/** Whether a schema requires `prop` (directly, or in a bare $ref target / allOf part). */
function requiresProp(schemas: JsonObject, s: JsonObject, prop: string, depth = 0): boolean {
  if (Array.isArray(s.required) && s.required.includes(prop)) return true;
  if (depth > 10) return false;
  const parts = [...(Array.isArray(s.allOf) ? s.allOf : []), ...(typeof s.$ref === 'string' ? [{ $ref: s.$ref }] : [])];
  return parts.some((p) => {
    const d = deref(schemas, p);
    return d ? requiresProp(schemas, d, prop, depth + 1) : false;
  });
}

/** Hash of this file, so editing the generator invalidates the disk cache even without a CACHE_VERSION bump. */
function ownSourceHash(): string {
  try {
    return createHash('sha256')
      .update(fs.readFileSync(fileURLToPath(SELF_URL) as string, 'utf8'))
      .digest('hex')
      .slice(0, 16);
  } catch {
    return 'unknown';
  }
}

function readAjvVersion(repoRoot: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', 'ajv', 'package.json'), 'utf8'));
    return String(pkg.version);
  } catch {
    return 'unknown';
  }
}

/**
 * Ajv's standalone ESM output still contains `require("...")` calls for its runtime helpers
 * (ajv/dist/runtime/*, ajv-formats/dist/formats). Hoist them into ESM default imports.
 */
function requireToImport(code: string): string {
  const specs = new Map<string, string>();
  const body = code.replace(/require\(("(?:[^"\\]|\\.)*")\)/g, (_m, lit: string) => {
    const spec = JSON.parse(lit) as string;
    let id = specs.get(spec);
    if (!id) {
      id = `__ajv_dep${specs.size}`;
      specs.set(spec, id);
    }
    return id;
  });
  const imports = [...specs].map(([spec, id]) => `import ${id} from ${JSON.stringify(spec)};`).join('\n');
  return `${imports}\n${body.replace(/^"use strict";/, '')}`;
}

/** Parse the YAML and generate the ESM module source (no caching). */
export function generateSchemaModule(specPath: string, names: readonly string[]): Omit<GenerateResult, 'cached' | 'ms'> {
  const doc = parseYaml(fs.readFileSync(specPath, 'utf8'), { maxAliasCount: -1 }) as JsonObject;
  const components = isObject(doc.components) ? doc.components : {};
  const rawSchemas = isObject(components.schemas) ? components.schemas : {};

  const stats: PreprocessStats = {
    nullable: 0,
    exclusiveBounds: 0,
    recursiveRefs: 0,
    extensionKeywords: new Set(),
    discriminatorsUsed: 0,
    discriminatorsDropped: 0,
    droppedDiscriminators: [],
  };
  const schemas: JsonObject = {};
  for (const [name, s] of Object.entries(rawSchemas)) schemas[name] = preprocess(s, name, stats);
  for (const [name, s] of Object.entries(schemas)) prepareDiscriminators(s, schemas, stats, name);

  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    // The document is huge; its component schemas are not traversed by meta-validation anyway
    // (`components` is not a JSON Schema keyword), so skip it.
    validateSchema: false,
    inlineRefs: false,
    code: { source: true, esm: true },
  });
  addFormats(ajv);
  // OpenAPI-only formats not provided by ajv-formats: accept anything (type is checked separately).
  for (const f of ['unixtime', 'int8', 'int16', 'uint8', 'uint32', 'uint64', 'decimal']) ajv.addFormat(f, true);
  // OpenAPI-only keywords as no-ops (harmless with strict:false, but makes intent explicit).
  for (const kw of ['discriminator', 'example', 'xml', 'externalDocs', 'dataDescription', ...stats.extensionKeywords]) {
    // (x-* keys are stripped by preprocess(), registering them is only belt and braces)
    if (!ajv.getKeyword(kw)) ajv.addKeyword({ keyword: kw });
  }

  const found = names.filter((n) => n in schemas);
  const missing = names.filter((n) => !(n in schemas));

  // One root document so that every `#/components/schemas/X` $ref resolves as a JSON pointer.
  // `x-exports` references every exported schema from inside that document: compiling it compiles
  // each referenced schema exactly once, cached on the root (ajv.getSchema('<root>#/pointer') per
  // export would instead compile a private copy of each exported schema).
  ajv.addSchema({
    $id: ROOT_ID,
    components: { schemas },
    'x-exports': { anyOf: found.map((n) => ({ $ref: `#/components/schemas/${n}` })) },
  } as object);
  ajv.getSchema(`${ROOT_ID}#/x-exports`);
  const rootRefs = (ajv.schemas[ROOT_ID] as { refs?: Record<string, unknown> } | undefined)?.refs ?? {};
  const ajvRefs = ajv.refs as Record<string, unknown>;
  const idOf = (n: string): string => {
    const pointer = `${ROOT_ID}#/components/schemas/${n}`;
    const env = rootRefs[pointer] as { validate?: unknown } | undefined;
    if (!env || typeof env !== 'object' || typeof env.validate !== 'function') return pointer; // fallback: private copy
    const alias = `${ROOT_ID}.export.${n}`;
    ajvRefs[alias] = env;
    return alias;
  };

  const refs: Record<string, string> = {};
  found.forEach((n, i) => {
    refs[`__v${i}`] = idOf(n);
  });

  const standalone = found.length ? standaloneCode(ajv, refs) : '';
  const tail = [
    `export const validators = {${found.map((n, i) => `${JSON.stringify(n)}: __v${i}`).join(', ')}};`,
    `export const schemaNames = ${JSON.stringify(found)};`,
    `export const missingSchemas = ${JSON.stringify(missing)};`,
    `export const specInfo = ${JSON.stringify({
      title: (isObject(doc.info) && doc.info.title) || null,
      version: (isObject(doc.info) && doc.info.version) || null,
      openapi: doc.openapi ?? null,
      preprocess: {
        nullable: stats.nullable,
        exclusiveBounds: stats.exclusiveBounds,
        recursiveRefs: stats.recursiveRefs,
        discriminatorsUsed: stats.discriminatorsUsed,
        discriminatorsDropped: stats.discriminatorsDropped,
      },
    })};`,
  ].join('\n');
  const code = `// Generated by test/openapi/plugin.ts from ${nodePathBase(specPath)} -- do not edit.\n${requireToImport(standalone)}\n${tail}\n`;
  return { code, found, missing, droppedDiscriminators: stats.droppedDiscriminators };
}

const REF_PREFIX = '#/components/schemas/';

function deref(schemas: JsonObject, s: Json | undefined, depth = 0): JsonObject | undefined {
  if (!isObject(s)) return undefined;
  if (typeof s.$ref === 'string' && s.$ref.startsWith(REF_PREFIX) && depth < 10) {
    return deref(schemas, schemas[s.$ref.slice(REF_PREFIX.length)], depth + 1);
  }
  return s;
}

/** Tag values (`const` / `enum`) a variant declares for `property` (looks through $ref and allOf). */
function tagValues(schemas: JsonObject, s: JsonObject, property: string): Json[] {
  const props = isObject(s.properties) ? deref(schemas, s.properties[property]) : undefined;
  if (props && 'const' in props) return [props.const!];
  if (props && Array.isArray(props.enum)) return props.enum;
  if (Array.isArray(s.allOf)) {
    for (const part of s.allOf) {
      const p = deref(schemas, part);
      const v = p ? tagValues(schemas, p, property) : [];
      if (v.length) return v;
    }
  }
  return [];
}

function nodePathBase(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

const memo = new Map<string, Promise<GenerateResult>>();

/** Generate (or load from cache) the virtual module source. Memoised per process. */
export function getSchemaModule(opts: OpenaiSchemasOptions = {}): Promise<GenerateResult> {
  const repoRoot = opts.repoRoot ?? defaultRepoRoot();
  const specPath = opts.specPath ?? path.resolve(repoRoot, '../shared/openai-openapi.yaml');
  const names = opts.names ?? SCHEMA_NAMES;
  const cacheDir = opts.cacheDir === false ? undefined : (opts.cacheDir ?? path.join(repoRoot, 'node_modules', '.cache', 'openai-schemas'));

  let st: NodeStats;
  try {
    st = fs.statSync(specPath);
  } catch {
    return Promise.reject(
      new Error(`openai-schemas: OpenAPI document not found at ${specPath} (expected ../shared/openai-openapi.yaml beside the repo)`),
    );
  }
  const key = createHash('sha256')
    .update(JSON.stringify([CACHE_VERSION, readAjvVersion(repoRoot), specPath, st.mtimeMs, st.size, names, ownSourceHash()]))
    .digest('hex')
    .slice(0, 16);
  const memoKey = `${cacheDir ?? ''}|${key}`;
  let p = memo.get(memoKey);
  if (!p) {
    p = Promise.resolve().then(() => {
      const t0 = performance.now();
      const cacheFile = cacheDir ? path.join(cacheDir, `${key}.mjs`) : undefined;
      const metaFile = cacheDir ? path.join(cacheDir, `${key}.json`) : undefined;
      if (cacheFile && metaFile && fs.existsSync(cacheFile) && fs.existsSync(metaFile)) {
        try {
          const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { found: string[]; missing: string[] };
          const code = fs.readFileSync(cacheFile, 'utf8');
          return { code, found: meta.found, missing: meta.missing, cached: true, specPath, cacheFile, ms: performance.now() - t0 };
        } catch {
          // fall through and regenerate
        }
      }
      const r = generateSchemaModule(specPath, names);
      if (cacheFile && metaFile && cacheDir) {
        try {
          fs.mkdirSync(cacheDir, { recursive: true });
          // write-then-rename so concurrent test processes never read a partial file
          const tmp = `${cacheFile}.${Math.random().toString(36).slice(2)}.tmp`;
          fs.writeFileSync(tmp, r.code);
          fs.renameSync(tmp, cacheFile);
          fs.writeFileSync(metaFile, JSON.stringify({ found: r.found, missing: r.missing, specPath, generatedAt: new Date().toISOString() }));
          // drop entries for older spec versions / plugin versions
          for (const f of fs.readdirSync(cacheDir)) {
            if (!f.startsWith(key) && /^[0-9a-f]{16}\.(?:mjs|json)$/.test(f)) fs.unlinkSync(path.join(cacheDir, f));
          }
        } catch {
          // cache is best-effort
        }
      }
      return { ...r, cached: false, specPath, cacheFile, ms: performance.now() - t0 };
    });
    memo.set(memoKey, p);
    p.catch(() => memo.delete(memoKey));
  }
  return p;
}

/** Vite plugin providing `virtual:openai-schemas`. */
export function openaiSchemas(opts: OpenaiSchemasOptions = {}): OpenaiSchemasPlugin {
  const log = opts.log ?? true;
  let logged = false;
  return {
    name: 'openai-schemas',
    enforce: 'pre',
    resolveId(id: string) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    async load(id: string) {
      if (id !== RESOLVED_ID) return undefined;
      const r = await getSchemaModule(opts);
      // watch mode: re-generate when the spec changes
      if (this && r.specPath) this.addWatchFile?.(r.specPath);
      if (log && !logged) {
        logged = true;
        console.log(
          `[openai-schemas] ${r.found.length} validators ${r.cached ? 'loaded from cache' : 'generated'} in ${Math.round(r.ms)} ms from ${r.specPath}` +
            (r.missing.length ? `; MISSING in spec: ${r.missing.join(', ')}` : ''),
        );
      }
      return r.code;
    },
  };
}

export default openaiSchemas;
