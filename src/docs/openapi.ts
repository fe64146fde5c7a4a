import * as z from 'zod/mini';
import { ENDPOINTS } from './endpoints';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'param', 'code'],
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        param: { type: ['string', 'null'] },
        code: { type: ['string', 'null'] },
      },
    },
  },
} as const;

function requestSchema(schema: z.ZodMiniType, files: string[] = []) {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>;
  delete out.$schema;
  if (files.length) {
    out.properties = { ...out.properties, ...Object.fromEntries(files.map((f) => [f, { type: 'string', format: 'binary' }])) };
  }
  return out;
}

let cached: string | undefined;

/** The proxy's own OpenAPI 3.1 document, built once per isolate from the route table and Zod schemas. */
export function openApiJson(): string {
  cached ??= JSON.stringify({
    openapi: '3.1.0',
    info: {
      title: 'workers-ai-openai',
      version: '0.1.0',
      description:
        'An OpenAI-compatible (and Ollama-compatible) front for Cloudflare Workers AI. Response bodies follow the OpenAI API reference; the schema names below are those of the official OpenAI OpenAPI document.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'One of PROXY_API_KEY (x-api-key is accepted too).' } },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths: ENDPOINTS.reduce<Record<string, Record<string, unknown>>>((paths, e) => {
      (paths[e.path] ??= {})[e.method] = {
        tags: [e.tag],
        summary: e.summary,
        ...(e.description && { description: e.description }),
        ...(e.public && { security: [] }),
        ...(e.path.includes('{') && {
          parameters: [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
        }),
        ...(e.body && { requestBody: { required: true, content: { [e.body.type]: { schema: requestSchema(e.body.schema, e.body.files) } } } }),
        responses: {
          200: { description: e.returns },
          default: { description: 'An error: {error: {message, type, param, code}} (Ollama routes: {error: string}).', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      };
      return paths;
    }, {}),
  });
  return cached;
}
