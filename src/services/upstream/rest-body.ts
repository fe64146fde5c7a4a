/**
 * Inputs that carry a raw body, `{body, contentType}` (nova-3's `audio`, flux-2's `multipart`):
 * the binding takes them as they are, but the REST API wants that body as the request body,
 * with the other (scalar) inputs as query parameters.
 */
export interface RawRestRequest {
  body: BodyInit;
  contentType: string;
  query: string;
}

const isRawPart = (v: unknown): v is { body: BodyInit; contentType: string } => {
  if (typeof v !== 'object' || v === null || typeof (v as { contentType?: unknown }).contentType !== 'string') return false;
  const body = (v as { body?: unknown }).body;
  return body instanceof ReadableStream || body instanceof Blob || body instanceof ArrayBuffer || ArrayBuffer.isView(body);
};

/** The raw request for `inputs`, or undefined when they are plain JSON. */
export function rawRestRequest(inputs: unknown): RawRestRequest | undefined {
  if (typeof inputs !== 'object' || inputs === null) return undefined;
  let raw: { body: BodyInit; contentType: string } | undefined;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(inputs)) {
    if (isRawPart(value)) {
      if (raw) return undefined;
      raw = value;
    } else if (value !== undefined && value !== null) {
      // Nested values cannot ride in a query string.
      if (typeof value === 'object') return undefined;
      query.set(key, String(value));
    }
  }
  if (!raw) return undefined;
  const search = query.toString();
  return { body: raw.body, contentType: raw.contentType, query: search ? `?${search}` : '' };
}
