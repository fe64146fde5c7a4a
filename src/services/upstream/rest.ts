import { scrub } from './normalize-error';
import { rawRestRequest } from './rest-body';
import { SESSION_AFFINITY_HEADER, UpstreamError, type CatalogModel, type ModelSchema, type RunOptions, type Upstream } from './types';

export interface RestSettings {
  baseUrl: string;
  accountId: string;
  token: string;
  /** Route model runs through this AI Gateway (catalog and schema calls still go to the API). */
  gateway?: { id: string; baseUrl: string; skipCache?: boolean; cacheTtl?: number };
}

interface Envelope<T> {
  result?: T;
  success?: boolean;
  errors?: { code?: number; message?: string }[];
  result_info?: { page?: number; per_page?: number; count?: number; total_count?: number };
}

const PAGE_SIZE = 100;
const MAX_PAGES = 20;

/** The Cloudflare REST API: for running outside Workers, or with an API token instead of the binding. */
export function createRestUpstream(settings: RestSettings): Upstream {
  const root = `${settings.baseUrl.replace(/\/+$/, '')}/accounts/${encodeURIComponent(settings.accountId)}/ai`;
  const auth = `Bearer ${settings.token}`;
  const secrets = [settings.token];
  const { gateway } = settings;
  const runUrl = (model: string) =>
    gateway
      ? `${gateway.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(settings.accountId)}/${encodeURIComponent(gateway.id)}/workers-ai/${model}`
      : `${root}/run/${model}`;
  const gatewayHeaders: Record<string, string> = {
    ...(gateway?.skipCache && { 'cf-aig-skip-cache': 'true' }),
    ...(gateway?.cacheTtl !== undefined && { 'cf-aig-cache-ttl': String(gateway.cacheTtl) }),
  };

  async function call(url: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, headers: { ...init.headers, authorization: auth } });
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') throw err;
      throw new UpstreamError(
        `Could not reach the Cloudflare API: ${scrub(err instanceof Error ? err.message : String(err), secrets)}`,
        undefined,
        502,
      );
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  async function errorFrom(res: Response): Promise<UpstreamError> {
    const text = await res.text().catch(() => '');
    let first: { code?: number; message?: string } | undefined;
    try {
      first = (JSON.parse(text) as Envelope<unknown>).errors?.[0];
    } catch {
      /* not an envelope */
    }
    const message = scrub(first?.message ?? (text.slice(0, 500) || res.statusText || `HTTP ${res.status}`), secrets);
    return new UpstreamError(message, typeof first?.code === 'number' ? first.code : undefined, res.status);
  }

  async function json<T>(res: Response): Promise<T> {
    const body = (await res.json()) as Envelope<T>;
    if (body.success === false) {
      const first = body.errors?.[0];
      throw new UpstreamError(scrub(first?.message ?? 'Upstream request failed', secrets), first?.code, res.status);
    }
    return body.result as T;
  }

  return {
    kind: 'rest',
    async run(model, inputs, options: RunOptions = {}) {
      // Raw-body inputs (FLUX.2's `multipart`, nova-3's `audio`) are the request body over REST.
      const raw = rawRestRequest(inputs);
      const res = await call(`${runUrl(model)}${raw?.query ?? ''}`, {
        method: 'POST',
        headers: {
          'content-type': raw?.contentType ?? 'application/json',
          ...gatewayHeaders,
          ...(options.sessionAffinity && { [SESSION_AFFINITY_HEADER]: options.sessionAffinity }),
        },
        // Buffered so the upload has a Content-Length; the proxy built or checked this body itself.
        body: raw ? (raw.body instanceof ReadableStream ? await new Response(raw.body).arrayBuffer() : raw.body) : JSON.stringify(inputs),
        signal: options.signal,
      });
      const type = res.headers.get('content-type') ?? '';
      // Streams (SSE) and binary outputs (images, audio) pass through untouched, as the binding gives them.
      if (!type.includes('application/json')) return res.body;
      return json(res);
    },
    async models() {
      const all: CatalogModel[] = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const res = await call(`${root}/models/search?per_page=${PAGE_SIZE}&page=${page}`, { method: 'GET' });
        const batch = await json<CatalogModel[]>(res);
        all.push(...(batch ?? []));
        if (!batch || batch.length < PAGE_SIZE) break;
      }
      return all;
    },
    async schema(model) {
      try {
        const res = await call(`${root}/models/schema?model=${encodeURIComponent(model)}`, { method: 'GET' });
        return await json<ModelSchema>(res);
      } catch (err) {
        if (err instanceof UpstreamError && err.status === 404) return null;
        throw err;
      }
    },
  };
}
