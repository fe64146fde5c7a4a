import { ApiError, modelNotFound } from '../../errors';
import { imageClassifier } from './images';
import { ENDPOINT_OF, protocolsOf, type Protocol, type TaskClassifier } from './protocols';
import type { CatalogModel, ModelSchema, TransportKind, Upstream } from '../upstream';
import { upstreamCall } from '../upstream/errors';

const TASK_CLASSIFIERS: Readonly<Record<string, TaskClassifier>> = {
  'Text-to-Image': imageClassifier,
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
}

export interface ResolvedModel {
  /** The name the client sent; responses echo it. */
  requested: string;
  /** The Workers AI model id to run. */
  id: string;
  /** Catalog entry, absent only when the catalog could not be read. */
  entry?: CatalogModel;
}

function createdSeconds(model: CatalogModel): number {
  if (!model.created_at) return 0;
  const ms = Date.parse(model.created_at.includes('T') ? model.created_at : `${model.created_at.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

/** Live catalog with a per-isolate TTL cache, alias resolution and task-based classification. */
export class Catalog {
  private cached?: { at: number; models: CatalogModel[]; byName: Map<string, CatalogModel> };
  private inflight?: Promise<CatalogModel[]>;
  private readonly schemas = new Map<string, { until: number; schema: Promise<ModelSchema | null> }>();

  constructor(
    private readonly upstream: Upstream,
    private readonly ttlMs: number,
    private readonly aliases: Readonly<Record<string, string>>,
    private readonly transport: TransportKind,
  ) {}

  async list(): Promise<CatalogModel[]> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.models;
    this.inflight ??= upstreamCall('catalog', () => this.upstream.models())
      .then((models) => {
        this.cached = { at: Date.now(), models, byName: new Map(models.map((m) => [m.name, m])) };
        return models;
      })
      .catch((err) => {
        // A stale catalog beats an outage.
        if (this.cached) return this.cached.models;
        throw err;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private async byName(): Promise<Map<string, CatalogModel>> {
    await this.list();
    return this.cached!.byName;
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
    return models.filter((_, i) => {
      const served = servedBy[i]!;
      return protocol ? served.includes(protocol) : served.length > 0;
    });
  }

  /** Own keys only: a model named "__proto__" or "constructor" is just an unknown model. */
  private aliasTarget(requested: string): string {
    return Object.hasOwn(this.aliases, requested) ? this.aliases[requested]! : requested;
  }

  /** The protocols a model serves: by task, refined per model for the tasks in TASK_CLASSIFIERS. */
  async protocolsFor(model: CatalogModel): Promise<readonly Protocol[]> {
    const classifier = TASK_CLASSIFIERS[model.task?.name];
    return classifier ? classifier.protocols(model, this) : protocolsOf(model);
  }

  /** A model's `{input, output}` JSON schemas, cached per isolate like the catalog; null when there is none to read. */
  schema(id: string): Promise<ModelSchema | null> {
    const now = Date.now();
    const hit = this.schemas.get(id);
    if (hit && now < hit.until) return hit.schema;
    const entry = {
      until: now + this.ttlMs,
      schema: this.upstream.schema(id).catch((err: unknown) => {
        console.warn(JSON.stringify({ level: 'warn', msg: 'model schema unavailable', model: id, error: String(err) }));
        entry.until = Math.min(entry.until, Date.now() + SCHEMA_RETRY_MS);
        return null;
      }),
    };
    // Ids come from the catalog, or from clients while it is unreachable: keep the map bounded.
    if (this.schemas.size >= 512) this.schemas.clear();
    this.schemas.set(id, entry);
    return entry.schema;
  }

  /** The catalog entry for a client model name (alias, full id or short name), if any. */
  async describe(requested: string): Promise<CatalogModel | undefined> {
    const target = this.aliasTarget(requested);
    const byName = await this.byName();
    return byName.get(target) ?? this.findShortName(byName, target);
  }

  /** Resolves a client model name (alias, full id or unique short name) and checks it can serve `protocol`. */
  async resolve(requested: string, protocol: Protocol): Promise<ResolvedModel> {
    const target = this.aliasTarget(requested);
    let byName: Map<string, CatalogModel>;
    try {
      byName = await this.byName();
    } catch (err) {
      // Catalog unreachable: let the upstream judge the model (5007 still maps to 404).
      console.warn(JSON.stringify({ level: 'warn', msg: 'model catalog unavailable', error: String(err) }));
      return { requested, id: target };
    }
    const entry = byName.get(target) ?? this.findShortName(byName, target);
    if (!entry) throw modelNotFound(requested);
    if (!(await this.protocolsFor(entry)).includes(protocol)) {
      const reason = await TASK_CLASSIFIERS[entry.task?.name]?.unsupported(entry, protocol, requested, this);
      throw new ApiError(
        400,
        reason ?? `The model \`${requested}\` is a ${entry.task?.name ?? 'non-chat'} model and cannot be used with ${ENDPOINT_OF[protocol]}.`,
        'invalid_request_error',
        'model',
        'model_not_supported',
      );
    }
    return { requested, id: entry.name, entry };
  }

  /** `llama-3.1-8b-instruct` or `meta/llama-3.1-8b-instruct` when exactly one catalog id ends with it. */
  private findShortName(byName: Map<string, CatalogModel>, name: string): CatalogModel | undefined {
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
      owned_by: this.transport === 'emulator' ? 'workers-ai-emulator' : (model.name.split('/')[1] ?? 'cloudflare'),
    };
  }
}
