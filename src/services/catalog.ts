import { ApiError, modelNotFound } from '../errors';
import type { CatalogModel, TransportKind, Upstream } from './upstream';
import { upstreamCall } from './upstream-errors';

/** The OpenAI endpoint families a model can serve; the values of GET /v1/models?protocol=. */
export const PROTOCOLS = ['openai-chat', 'openai-embeddings', 'openai-images', 'openai-audio'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const TASK_PROTOCOLS: Readonly<Record<string, readonly Protocol[]>> = {
  'Text Generation': ['openai-chat'],
  'Text Embeddings': ['openai-embeddings'],
  'Text-to-Image': ['openai-images'],
  'Automatic Speech Recognition': ['openai-audio'],
  'Text-to-Speech': ['openai-audio'],
  // llava, uform-gen2: an image and a prompt in, text out; served as chat with one image.
  'Image-to-Text': ['openai-chat'],
};

const ENDPOINT_OF: Readonly<Record<Protocol, string>> = {
  'openai-chat': '/v1/chat/completions',
  'openai-embeddings': '/v1/embeddings',
  'openai-images': '/v1/images/generations',
  'openai-audio': '/v1/audio',
};

export function protocolsOf(model: CatalogModel): readonly Protocol[] {
  return TASK_PROTOCOLS[model.task?.name] ?? [];
}

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
    return models.filter((m) => {
      const served = protocolsOf(m);
      return protocol ? served.includes(protocol) : served.length > 0;
    });
  }

  /** The catalog entry for a client model name (alias, full id or short name), if any. */
  async describe(requested: string): Promise<CatalogModel | undefined> {
    const target = this.aliases[requested] ?? requested;
    const byName = await this.byName();
    return byName.get(target) ?? this.findShortName(byName, target);
  }

  /** Resolves a client model name (alias, full id or unique short name) and checks it can serve `protocol`. */
  async resolve(requested: string, protocol: Protocol): Promise<ResolvedModel> {
    const target = this.aliases[requested] ?? requested;
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
    if (!protocolsOf(entry).includes(protocol)) {
      throw new ApiError(
        400,
        `The model \`${requested}\` is a ${entry.task?.name ?? 'non-chat'} model and cannot be used with ${ENDPOINT_OF[protocol]}.`,
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
