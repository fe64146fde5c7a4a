import { modelNotFound, modelNotSupported } from '../../errors';
import { imageClassifier } from './images';
import { modelRetired, plannedDeprecation, requiresPaidPlan, retiredIdFor, retiredOn, successorOf } from './lifecycle';
import { DECISION_MODEL, ENDPOINT_OF, protocolsOf, type Protocol, type TaskClassifier } from './protocols';
import { speechClassifier } from './speech';
import type { CatalogModel, ModelSchema, TransportKind, Upstream } from '../upstream';
import { upstreamCall } from '../upstream/errors';

const TASK_CLASSIFIERS: Readonly<Record<string, TaskClassifier>> = {
  'Text-to-Image': imageClassifier,
  'Automatic Speech Recognition': speechClassifier,
};

/** A failed schema lookup is retried after this long at most (a missing schema is cached like a found one). */
const SCHEMA_RETRY_MS = 60_000;

/** A catalog property (context_window, ...) as a number, when present. */
export function numericProperty(model: CatalogModel | undefined, id: string): number | undefined {
  const raw = model?.properties?.find((p) => p.property_id === id)?.value;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /** Extensions: the catalog's planned_deprecation_date (YYYY-MM-DD) and whether the model needs Workers Paid. */
  deprecation_date: string | null;
  requires_paid_plan: boolean;
}

/** A model's input schema takes a chat turn (messages, a prompt or Responses input); decision models take neither. */
export function isChatSchema(schema: ModelSchema): boolean {
  const takes = (s: unknown, depth = 0): boolean => {
    if (!s || typeof s !== 'object' || depth > 4) return false;
    const o = s as Record<string, unknown>;
    const props = o.properties && typeof o.properties === 'object' ? Object.keys(o.properties) : [];
    if (props.some((k) => k === 'messages' || k === 'prompt' || k === 'input' || k === 'requests')) return true;
    return (['oneOf', 'anyOf', 'allOf'] as const).some((k) => Array.isArray(o[k]) && (o[k] as unknown[]).some((x) => takes(x, depth + 1)));
  };
  const input = schema.input as Record<string, unknown> | null | undefined;
  // A schema that says nothing about its input cannot rule chat out.
  if (!input || typeof input !== 'object' || Object.keys(input).every((k) => k === 'type' || k === 'description')) return true;
  return takes(input);
}

/** What a client's model name leads to in the catalog. */
interface Lookup {
  entry?: CatalogModel;
  /** The live models after `entry` in its alias chain: where a refused run fails over to. */
  fallbacks?: string[];
  retired?: { day: string; replacement?: string };
}

export interface ResolvedModel {
  /** The name the client sent; responses echo it. */
  requested: string;
  /** The Workers AI model id to run. */
  id: string;
  /** Catalog entry, absent only when the catalog could not be read. */
  entry?: CatalogModel;
  /** The live models after `id` in the alias's chain, in order: each answers if the one before is refused (3040, 5035, 5028). */
  fallbacks?: readonly string[];
}

/** Aliases for one request (a managed key's default model or chain, `model: "auto"`), consulted before MODEL_ALIASES. */
export type RequestAliases = Readonly<Record<string, string | readonly string[]>>;

function createdSeconds(model: CatalogModel): number {
  if (!model.created_at) return 0;
  const ms = Date.parse(model.created_at.includes('T') ? model.created_at : `${model.created_at.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

const LIST_BODY_TTL_MS = 60_000;

/** Live catalog with a per-isolate TTL cache, alias resolution and task-based classification. */
/** A model's schema as read (`value`, once it has arrived), until `until`. */
interface SchemaEntry {
  until: number;
  schema: Promise<ModelSchema | null>;
  value?: ModelSchema | null;
}

/** Whether a Text Generation model's schema (when one is readable) takes chat input. */
const takesChat = (schema: ModelSchema | null): boolean => !schema || isChatSchema(schema);

export class Catalog {
  #cached?: { at: number; models: CatalogModel[]; byName: Map<string, CatalogModel> };
  #inflight?: Promise<CatalogModel[]>;
  readonly #schemas = new Map<string, SchemaEntry>();
  /** `/v1/models` answers as JSON text, per protocol filter, while the catalog they came from is current. */
  readonly #listBodies = new Map<string, { models: CatalogModel[]; extra: readonly object[]; until: number; body: string }>();
  /** Alias moves already logged (one line each per isolate). */
  readonly #moved = new Set<string>();

  readonly #upstream: Upstream;
  readonly #ttlMs: number;
  readonly #aliases: Readonly<Record<string, string | readonly string[]>>;
  readonly #transport: TransportKind;

  // Private (#) members: esbuild shortens their names in the bundle, as it cannot shorten `private` ones.
  constructor(upstream: Upstream, ttlMs: number, aliases: Readonly<Record<string, string | readonly string[]>>, transport: TransportKind) {
    this.#upstream = upstream;
    this.#ttlMs = ttlMs;
    this.#aliases = aliases;
    this.#transport = transport;
  }

  async list(): Promise<CatalogModel[]> {
    const now = Date.now();
    if (this.#cached && now - this.#cached.at < this.#ttlMs) return this.#cached.models;
    this.#inflight ??= upstreamCall('catalog', () => this.#upstream.models())
      .then((models) => {
        this.#cached = { at: Date.now(), models, byName: new Map(models.map((m) => [m.name, m])) };
        return models;
      })
      .catch((err) => {
        // A stale catalog beats an outage.
        if (this.#cached) return this.#cached.models;
        throw err;
      })
      .finally(() => {
        this.#inflight = undefined;
      });
    return this.#inflight;
  }

  async #byName(): Promise<Map<string, CatalogModel>> {
    await this.list();
    return this.#cached!.byName;
  }

  /**
   * The OpenAI model list as JSON text, `extra` entries (a constant per filter: `auto`) last. Built once per catalog read and filter rather than per
   * request (the list is the same for every caller); at most a minute old, so image models
   * classified without their schema (a failed schema read) are reclassified soon after.
   */
  async openAIListJson(protocol?: Protocol, extra: readonly object[] = []): Promise<string> {
    const models = await this.list();
    const key = protocol ?? '';
    const now = Date.now();
    const hit = this.#listBodies.get(key);
    if (hit && hit.models === models && hit.extra === extra && now < hit.until) return hit.body;
    const body = JSON.stringify({ object: 'list', data: [...(await this.listFor(protocol)).map((m) => this.toOpenAI(m)), ...extra] });
    this.#listBodies.set(key, { models, extra, until: now + LIST_BODY_TTL_MS, body });
    return body;
  }

  async listFor(protocol?: Protocol): Promise<CatalogModel[]> {
    const models = await this.list();
    // Only the classified tasks (image models) wait on a schema; the rest are known now, without a promise each.
    const servedBy: (readonly Protocol[])[] = [];
    const waits: Promise<void>[] = [];
    models.forEach((m, i) => {
      if (TASK_CLASSIFIERS[m.task?.name]) waits.push(this.protocolsFor(m).then((p) => void (servedBy[i] = p)));
      else servedBy[i] = protocolsOf(m);
    });
    if (waits.length) await Promise.all(waits);
    // Retired models stay out of the list even while the catalog still carries them.
    return models.filter((m, i) => {
      const served = servedBy[i]!;
      return (protocol ? served.includes(protocol) : served.length > 0) && !retiredOn(m.name, m);
    });
  }

  /** An alias's targets in order (MODEL_ALIASES may give a replacement chain); undefined when `requested` is no alias. Own keys only. */
  #aliasChain(requested: string, extra?: RequestAliases): readonly string[] | undefined {
    const aliases = extra && Object.hasOwn(extra, requested) ? extra : this.#aliases;
    if (!Object.hasOwn(aliases, requested)) return undefined;
    const target = aliases[requested]!;
    return typeof target === 'string' ? [target] : target;
  }

  /** The first live model down a retired id's successor chain, if the catalog has one. */
  #successorIn(id: string, byName: Map<string, CatalogModel>): CatalogModel | undefined {
    let next = successorOf(id);
    for (let hops = 0; next && hops < 8; hops++) {
      const entry = byName.get(next);
      if (entry && !retiredOn(entry.name, entry)) return entry;
      next = successorOf(next);
    }
    return undefined;
  }

  #logMove(alias: string, from: string, to: string, why: string): void {
    const key = `${alias}\n${to}`;
    if (this.#moved.has(key)) return;
    this.#moved.add(key);
    console.warn(JSON.stringify({ level: 'warn', msg: 'model alias moved: its target is gone or retired', alias, from, to, via: why }));
  }

  /**
   * Follows a client name through the catalog. An alias takes the first live target of its chain,
   * then the documented successor of its first target (logged once); a retired model named
   * directly is reported with its replacement.
   */
  #lookup(requested: string, byName: Map<string, CatalogModel>, log = true, extra?: RequestAliases): Lookup {
    const find = (name: string) => byName.get(name) ?? this.#findShortName(byName, name);
    const chain = this.#aliasChain(requested, extra);
    if (chain) {
      const live: CatalogModel[] = [];
      for (const target of chain) {
        const e = find(target);
        if (e && !retiredOn(e.name, e) && !live.includes(e)) live.push(e);
      }
      const entry = live[0];
      if (entry) {
        if (log && entry !== find(chain[0]!)) this.#logMove(requested, chain[0]!, entry.name, 'replacement chain');
        return { entry, fallbacks: live.slice(1).map((e) => e.name) };
      }
      const first = chain[0] ?? '';
      const healed = this.#successorIn(find(first)?.name ?? retiredIdFor(first) ?? first, byName);
      if (healed && log) this.#logMove(requested, first, healed.name, 'documented successor');
      return { entry: healed };
    }
    const entry = find(requested);
    if (entry) {
      const day = retiredOn(entry.name, entry);
      return day ? { retired: { day, replacement: this.#successorIn(entry.name, byName)?.name } } : { entry };
    }
    const retiredId = retiredIdFor(requested);
    const day = retiredId && retiredOn(retiredId, undefined);
    return day ? { retired: { day, replacement: this.#successorIn(retiredId, byName)?.name } } : {};
  }

  /** The planned deprecation day of the model a client name leads to, from the cached catalog only (never a fetch). */
  plannedDeprecationOf(requested: string): string | undefined {
    if (!this.#cached) return undefined;
    return plannedDeprecation(this.#lookup(requested, this.#cached.byName, false).entry);
  }

  /** The protocols a model serves: by task, refined per model for the tasks in TASK_CLASSIFIERS. */
  async protocolsFor(model: CatalogModel): Promise<readonly Protocol[]> {
    const classifier = TASK_CLASSIFIERS[model.task?.name];
    return classifier ? classifier.protocols(model, this) : protocolsOf(model);
  }

  /** A model's `{input, output}` JSON schemas, cached per isolate like the catalog; null when there is none to read. */
  schema(id: string): Promise<ModelSchema | null> {
    const now = Date.now();
    const hit = this.#schemas.get(id);
    if (hit && now < hit.until) return hit.schema;
    const entry: SchemaEntry = {
      until: now + this.#ttlMs,
      schema: this.#upstream.schema(id).then(
        (schema) => (entry.value = schema),
        (err: unknown) => {
          console.warn(JSON.stringify({ level: 'warn', msg: 'model schema unavailable', model: id, error: String(err) }));
          entry.until = Math.min(entry.until, Date.now() + SCHEMA_RETRY_MS);
          return (entry.value = null);
        },
      ),
    };
    // Ids come from the catalog, or from clients while it is unreachable: keep the map bounded.
    if (this.#schemas.size >= 512) this.#schemas.clear();
    this.#schemas.set(id, entry);
    return entry.schema;
  }

  /** What schema(id) resolves to when it is already read and current, so that a request need not wait on its promise; undefined otherwise. */
  schemaNow(id: string): ModelSchema | null | undefined {
    const hit = this.#schemas.get(id);
    return hit && Date.now() < hit.until ? hit.value : undefined;
  }

  /** The catalog entry for a client model name (alias, full id or short name), if any; a retired model is a 410. */
  async describe(requested: string): Promise<CatalogModel | undefined> {
    const found = this.#lookup(requested, await this.#byName());
    if (found.retired) throw modelRetired(requested, found.retired.day, found.retired.replacement);
    return found.entry;
  }

  /** Resolves a client model name (alias, full id or unique short name) and checks it can serve `protocol`. */
  async resolve(requested: string, protocol: Protocol, aliases?: RequestAliases): Promise<ResolvedModel> {
    // A current catalog is used as is: no promise to wait on (list() and #byName() are async).
    const cached = this.#cached;
    let byName: Map<string, CatalogModel>;
    try {
      byName = cached && Date.now() - cached.at < this.#ttlMs ? cached.byName : await this.#byName();
    } catch (err) {
      // Catalog unreachable: let the upstream judge the model (5007 still maps to 404, 5028 to a retirement).
      console.warn(JSON.stringify({ level: 'warn', msg: 'model catalog unavailable', error: String(err) }));
      const chain = this.#aliasChain(requested, aliases) ?? [requested];
      return { requested, id: chain[0]!, fallbacks: chain.slice(1) };
    }
    const found = this.#lookup(requested, byName, true, aliases);
    if (found.retired) throw modelRetired(requested, found.retired.day, found.retired.replacement);
    const entry = found.entry;
    if (!entry) throw modelNotFound(requested);
    let chatless = false;
    if (protocol === 'openai-chat' && entry.task?.name === 'Text Generation') {
      // A schema already read is taken as is, without waiting on its promise.
      const known = this.schemaNow(entry.name);
      chatless = !takesChat(known !== undefined ? known : await this.schema(entry.name));
    }
    // Only the classified tasks (image, speech models) need a promise for their protocols.
    const classifier = TASK_CLASSIFIERS[entry.task?.name];
    if (chatless || !(classifier ? await classifier.protocols(entry, this) : protocolsOf(entry)).includes(protocol)) {
      const reason = chatless || DECISION_MODEL.test(entry.name)
        ? `The model \`${requested}\` is a decision model (it takes a state and typed questions, not messages), so it cannot be used with ${ENDPOINT_OF[protocol]}.`
        : await TASK_CLASSIFIERS[entry.task?.name]?.unsupported(entry, protocol, requested, this);
      throw modelNotSupported(reason ?? `The model \`${requested}\` is a ${entry.task?.name ?? 'non-chat'} model and cannot be used with ${ENDPOINT_OF[protocol]}.`);
    }
    return { requested, id: entry.name, entry, fallbacks: found.fallbacks?.length ? found.fallbacks : undefined };
  }

  /** `llama-3.1-8b-instruct` or `meta/llama-3.1-8b-instruct` when exactly one catalog id ends with it. */
  #findShortName(byName: Map<string, CatalogModel>, name: string): CatalogModel | undefined {
    if (name.startsWith('@') || name.length < 3) return undefined;
    let found: CatalogModel | undefined;
    for (const [id, model] of byName) {
      if (id.endsWith(`/${name}`)) {
        if (found) return undefined;
        found = model;
      }
    }
    return found;
  }

  toOpenAI(model: CatalogModel): OpenAIModel {
    return {
      id: model.name,
      object: 'model',
      created: createdSeconds(model),
      owned_by: this.#transport === 'emulator' ? 'workers-ai-emulator' : (model.name.split('/')[1] ?? 'cloudflare'),
      deprecation_date: plannedDeprecation(model) ?? null,
      requires_paid_plan: requiresPaidPlan(model),
    };
  }
}
