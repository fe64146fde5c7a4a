import { TEST_CATALOG } from './catalog';
import { KEY } from './http';
import type { CatalogModel } from '../../src/services/upstream/types';

export interface SeenRequest {
  url: URL;
  method: string;
  authorization: string | null;
  body: any;
}

type RunAnswer = object | Response;

/**
 * A fake Cloudflare REST API (the `/client/v4/accounts/{id}/ai/...` routes the REST transport
 * uses), answering in Cloudflare's `{result, success, errors, messages}` envelope.
 * Install it as the Worker's outbound `fetch` with vi.spyOn(globalThis, 'fetch').
 */
export function fakeCloudflareApi(opts: {
  token: string;
  account: string;
  run?: (model: string, body: any) => RunAnswer | Promise<RunAnswer>;
  /** The catalog served (default TEST_CATALOG). */
  catalog?: CatalogModel[];
  /** `/models/schema` answers: a schema, or null for a 404 (default: an empty object schema). */
  schema?: (model: string) => object | null;
}) {
  const catalog = opts.catalog ?? TEST_CATALOG;
  const seen: SeenRequest[] = [];
  const envelope = (result: unknown, status = 200) =>
    Response.json({ result, success: status < 400, errors: [], messages: [] }, { status });
  const failure = (status: number, code: number, message: string) =>
    Response.json({ result: null, success: false, errors: [{ code, message }], messages: [] }, { status });

  async function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const req = new Request(input, init);
    const url = new URL(req.url);
    // Multipart uploads (FLUX.2) are recorded as FormData, everything else as parsed JSON.
    const multipart = /^multipart\/form-data/.test(req.headers.get('content-type') ?? '');
    const text = req.method === 'POST' && !multipart ? await req.text() : '';
    const body = multipart ? await req.formData() : text ? JSON.parse(text) : undefined;
    seen.push({ url, method: req.method, authorization: req.headers.get('authorization'), body });
    if (req.headers.get('authorization') !== `Bearer ${opts.token}`) return failure(401, 10000, 'Authentication error');
    const prefix = `/client/v4/accounts/${opts.account}/ai/`;
    if (!url.pathname.startsWith(prefix)) return failure(400, 7003, 'Could not route to /client/v4/accounts, perhaps your object identifier is invalid?');
    const rest = url.pathname.slice(prefix.length);
    if (rest === 'models/search') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const perPage = Number(url.searchParams.get('per_page') ?? 100);
      return envelope(catalog.slice((page - 1) * perPage, page * perPage));
    }
    if (rest === 'models/schema') {
      const schema = opts.schema ? opts.schema(url.searchParams.get('model') ?? '') : { input: { type: 'object' }, output: { type: 'object' } };
      return schema ? envelope(schema) : failure(404, 7000, 'No route for that URI');
    }
    if (rest.startsWith('run/')) {
      const model = rest.slice(4);
      if (!catalog.some((m) => m.name === model)) return failure(400, 5007, `No such model ${model} or task`);
      const answer = await (opts.run ?? (() => ({ response: 'from rest', usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })))(model, body);
      return answer instanceof Response ? answer : envelope(answer);
    }
    return failure(404, 7000, 'No route for that URI');
  }

  return { fetch, seen, failure };
}

export const REST_TOKEN = 'cf-secret-token-123456';

/** An environment on the REST transport pointed at a fake API root, with a client key configured. */
export const restEnv = (extra: Record<string, string> = {}) => ({
  AI_TRANSPORT: 'rest',
  CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:9999/client/v4',
  CLOUDFLARE_ACCOUNT_ID: 'acct1',
  CLOUDFLARE_API_TOKEN: REST_TOKEN,
  PROXY_API_KEY: KEY,
  LOG_REQUESTS: 'false',
  ...extra,
});
