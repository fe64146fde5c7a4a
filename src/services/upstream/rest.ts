import { parseRetryAfter, plainMessage, scrub } from './normalize-error';
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

/** The most of an error body read: enough for any envelope, never a whole (huge) error page. */
const MAX_ERROR_BODY = 64 * 1024;

/** The first MAX_ERROR_BODY bytes of a body as text; the rest is cancelled. */
async function headOf(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < MAX_ERROR_BODY) {
      const r = await reader.read();
      if (r.done) return text + decoder.decode();
      text += decoder.decode(r.value, { stream: true });
    }
    await reader.cancel();
  } catch {
    /* a cut body: what arrived is all there is */
  }
  return text.slice(0, MAX_ERROR_BODY);
}

/** JSON with every non-ASCII character escaped: a header value must be ASCII (a user name may not be). */
const asciiJson = (value: unknown) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

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
    const text = await headOf(res);
    let first: { code?: number; message?: string } | undefined;
    try {
      first = (JSON.parse(text) as Envelope<unknown>).errors?.[0];
    } catch {
      /* not an envelope (an HTML error page, plain text, or cut at the read limit) */
    }
    const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    const message = plainMessage(scrub(typeof first?.message === 'string' ? first.message : text, secrets), status);
    return new UpstreamError(message, typeof first?.code === 'number' ? first.code : undefined, res.status, parseRetryAfter(res.headers.get('retry-after')));
  }

  /** The envelope's result. A body that is cut, not JSON, or not an envelope is a 502, never a 500 or an empty answer. */
  async function json<T>(res: Response, what: string): Promise<T> {
    let body: Envelope<T>;
    try {
      body = (await res.json()) as Envelope<T>;
    } catch (err) {
      if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) throw err;
      throw new UpstreamError(`The Cloudflare API's answer for ${what} was cut off or is not valid JSON.`, undefined, 502);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body) || !('result' in body || 'success' in body)) {
      throw new UpstreamError(`The Cloudflare API's answer for ${what} is not a Workers AI envelope ({result, success, errors}).`, undefined, 502);
    }
    if (body.success === false) {
      const first = body.errors?.[0];
      throw new UpstreamError(plainMessage(scrub(first?.message ?? '', secrets), 'Upstream request failed'), first?.code, res.status, parseRetryAfter(res.headers.get('retry-after')));
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
          ...(gateway && options.metadata && { 'cf-aig-metadata': asciiJson(options.metadata) }),
          ...(options.sessionAffinity && { [SESSION_AFFINITY_HEADER]: options.sessionAffinity }),
        },
        // Buffered so the upload has a Content-Length; the proxy built or checked this body itself.
        // rejectIfBusy goes in the body's `options` over REST (only JSON bodies have one).
        body: raw
          ? raw.body instanceof ReadableStream
            ? await new Response(raw.body).arrayBuffer()
            : raw.body
          : JSON.stringify(options.rejectIfBusy ? { ...(inputs as object), options: { rejectIfBusy: true } } : inputs),
        signal: options.signal,
      });
      const type = res.headers.get('content-type') ?? '';
      // Streams (SSE) and binary outputs (images, audio) pass through untouched, as the binding gives them.
      if (!type.includes('application/json')) return res.body;
      return json<unknown>(res, `\`${model}\``);
    },
    async models() {
      const all: CatalogModel[] = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const res = await call(`${root}/models/search?per_page=${PAGE_SIZE}&page=${page}`, { method: 'GET' });
        const batch = await json<CatalogModel[]>(res, 'the model catalog');
        all.push(...(batch ?? []));
        if (!batch || batch.length < PAGE_SIZE) break;
      }
      return all;
    },
    async schema(model) {
      try {
        const res = await call(`${root}/models/schema?model=${encodeURIComponent(model)}`, { method: 'GET' });
        return await json<ModelSchema>(res, `the schema of \`${model}\``);
      } catch (err) {
        if (err instanceof UpstreamError && err.status === 404) return null;
        throw err;
      }
    },
  };
}
