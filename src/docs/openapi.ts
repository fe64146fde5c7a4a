/**
 * The proxy's own OpenAPI 3.1 document, built from the route table and the routes' Zod schemas.
 * Build time only (scripts/build-docs.mjs writes the result into public/openapi.json): zod's
 * JSON-Schema converter never reaches the Worker bundle.
 */
import * as z from 'zod/mini';
import { ENDPOINTS, type EndpointDoc } from './endpoints';
import { SCHEMAS } from './responses';

type Json = Record<string, any>;

function toJsonSchema(schema: z.ZodMiniType): Json {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

function requestSchema(e: NonNullable<EndpointDoc['body']>): Json {
  const out = toJsonSchema(e.schema);
  if (e.files?.length) {
    out.properties = { ...out.properties, ...Object.fromEntries(e.files.map((f) => [f, { type: 'string', format: 'binary' }])) };
  }
  return out;
}

function queryParameters(schema: z.ZodMiniType): Json[] {
  const out = toJsonSchema(schema);
  return Object.entries<Json>(out.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: (out.required ?? []).includes(name), schema: s }));
}

const mediaSchema = (schema: string | undefined): Json | undefined =>
  schema === 'binary' ? { type: 'string', format: 'binary' } : schema === 'text' ? { type: 'string' } : schema ? { $ref: `#/components/schemas/${schema}` } : undefined;

function operation(e: EndpointDoc): Json {
  const ollama = e.path.startsWith('/api/');
  const anthropic = e.path.startsWith('/v1/messages');
  const parameters = [
    ...[...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
    ...(e.query ? queryParameters(e.query) : []),
  ];
  return {
    tags: [e.tag],
    summary: e.summary,
    ...(e.description && { description: e.description }),
    ...(e.public && { security: [] }),
    ...(parameters.length && { parameters }),
    ...(e.body && {
      requestBody: { required: true, content: { [e.body.type]: { schema: requestSchema(e.body), ...(e.example && { example: e.example }) } } },
    }),
    responses: {
      200: {
        description: e.returns,
        content: Object.fromEntries(
          Object.entries(e.ok).map(([type, { schema, item }]) => [
            type,
            {
              ...(schema && { schema: mediaSchema(schema) }),
              // One SSE event's data / one NDJSON line (OpenAPI 3.2 names this itemSchema).
              ...(item && { 'x-item-schema': mediaSchema(item) }),
            },
          ]),
        ),
      },
      default: ollama
        ? { description: 'An error, Ollama-shaped: {error: string}, with the status of the OpenAI error.', content: { 'application/json': { schema: { $ref: '#/components/schemas/OllamaError' } } } }
        : anthropic
          ? { description: 'An error, Anthropic-shaped: {type: "error", error: {type, message}, request_id}.', content: { 'application/json': { schema: { $ref: '#/components/schemas/AnthropicError' } } } }
          : { description: 'An error: {error: {message, type, param, code}}.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
}

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'workers-ai-openai',
      version: '0.1.0',
      description:
        'An OpenAI-compatible (and Ollama-compatible) front for Cloudflare Workers AI. The response schemas describe what this proxy returns; its bodies also follow the OpenAI API reference, whose schema names the route summaries give.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'One of PROXY_API_KEY (x-api-key is accepted too).' } },
      schemas: SCHEMAS,
    },
    paths: ENDPOINTS.reduce<Record<string, Json>>((paths, e) => {
      (paths[e.path] ??= {})[e.method] = operation(e);
      return paths;
    }, {}),
  };
}
