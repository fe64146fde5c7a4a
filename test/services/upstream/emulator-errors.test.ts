/**
 * Each Workers AI error code of issue 11, raised by the emulator itself (EMULATOR_FAULTS, with the
 * status and message Workers AI sends), through every surface family as a client sees it: chat
 * (and its stream), Responses (and its stream), embeddings, images, audio, Ollama in its own
 * shape and Anthropic Messages in its own. test/services/upstream/errors.test.ts covers the same
 * table with a fake binding and the REST transport; this is the offline platform answering.
 */
import { describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env';
import { expectAnthropicError } from '../../anthropic/validate';
import { postForm, sdkForm, wav } from '../../support/audio';
import { expectError, postJson } from '../../support/http';

const CHAT = '@cf/zai-org/glm-4.7-flash';
const LEGACY = '@cf/meta/llama-3.1-8b-instruct-fast';
const EMBED = '@cf/baai/bge-base-en-v1.5';
const IMAGE = '@cf/black-forest-labs/flux-1-schnell';
const WHISPER = '@cf/openai/whisper';
const SPEECH = '@cf/myshell-ai/melotts';
const hi = [{ role: 'user', content: 'Hi' }];

/** [code, status, OpenAI code, type, Anthropic type, Anthropic status] as the error table answers each. */
const CASES: [number, number, string, string, string, number][] = [
  [3040, 429, 'upstream_overloaded', 'rate_limit_error', 'overloaded_error', 529],
  [3036, 429, 'insufficient_quota', 'insufficient_quota', 'billing_error', 402],
  [4006, 429, 'insufficient_quota', 'insufficient_quota', 'billing_error', 402],
  [5007, 404, 'model_not_found', 'invalid_request_error', 'not_found_error', 404],
  [5021, 400, 'context_length_exceeded', 'invalid_request_error', 'invalid_request_error', 400],
  [3010, 400, 'context_length_exceeded', 'invalid_request_error', 'invalid_request_error', 400],
  [5023, 400, 'unsupported_parameter', 'invalid_request_error', 'invalid_request_error', 400],
  [5028, 410, 'model_deprecated', 'invalid_request_error', 'not_found_error', 410],
  [5035, 403, 'model_requires_paid_plan', 'invalid_request_error', 'permission_error', 403],
  [10000, 502, 'upstream_auth_failed', 'server_error', 'api_error', 502],
  [9999, 502, 'upstream_error', 'server_error', 'api_error', 502],
];

/** The dev entry on the emulator, every listed model failing with `code`. */
const failing = (code: number): Env =>
  ({ LOG_REQUESTS: 'false', EMULATOR_FAULTS: JSON.stringify(Object.fromEntries([CHAT, LEGACY, EMBED, IMAGE, WHISPER, SPEECH].map((m) => [m, code]))) }) as Env;

const SURFACES: [name: string, send: (env: Env) => Promise<Response>][] = [
  ['chat', (env) => postJson(env, '/v1/chat/completions', { model: CHAT, messages: hi })],
  ['chat stream', (env) => postJson(env, '/v1/chat/completions', { model: CHAT, messages: hi, stream: true })],
  ['chat (Workers AI dialect)', (env) => postJson(env, '/v1/chat/completions', { model: LEGACY, messages: hi })],
  ['responses', (env) => postJson(env, '/v1/responses', { model: CHAT, input: 'Hi' })],
  ['responses stream', (env) => postJson(env, '/v1/responses', { model: CHAT, input: 'Hi', stream: true })],
  ['embeddings', (env) => postJson(env, '/v1/embeddings', { model: EMBED, input: 'x' })],
  ['images', (env) => postJson(env, '/v1/images/generations', { model: IMAGE, prompt: 'a fox' })],
  ['transcriptions', (env) => postForm(env, '/v1/audio/transcriptions', sdkForm(new File([wav(0.5)], 'a.wav', { type: 'audio/wav' }), { model: WHISPER }))],
  ['speech', (env) => postJson(env, '/v1/audio/speech', { model: SPEECH, input: 'Hello.', voice: 'alloy' })],
];

const OLLAMA: [name: string, send: (env: Env) => Promise<Response>][] = [
  ['ollama chat', (env) => postJson(env, '/api/chat', { model: CHAT, stream: false, messages: hi })],
  ['ollama chat stream', (env) => postJson(env, '/api/chat', { model: CHAT, messages: hi })],
  ['ollama embed', (env) => postJson(env, '/api/embed', { model: EMBED, input: 'x' })],
];

const anthropic = { 'anthropic-version': '2023-06-01', 'x-api-key': 'anything' };
const MESSAGES: [name: string, send: (env: Env) => Promise<Response>][] = [
  ['messages', (env) => postJson(env, '/v1/messages', { model: CHAT, max_tokens: 50, messages: hi }, { headers: anthropic, anonymous: true })],
  ['messages stream', (env) => postJson(env, '/v1/messages', { model: CHAT, max_tokens: 50, messages: hi, stream: true }, { headers: anthropic, anonymous: true })],
];

describe('every error code, raised by the emulator, on every OpenAI surface', () => {
  describe.each(SURFACES)('%s', (_surface, send) => {
    it.each(CASES)('%i -> %i %s', async (code, status, errorCode, type) => {
      const res = await send(failing(code));
      await expectError(res, status, { code: errorCode, type });
      expect(res.headers.get('x-should-retry')).toBe(String(code === 3040 || code === 9999));
      if (code === 3040) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    });
  });
});

describe('on the Ollama routes, in their {error: string} shape', () => {
  describe.each(OLLAMA)('%s', (_surface, send) => {
    it.each(CASES)('%i -> %i', async (code, status) => {
      const res = await send(failing(code));
      expect(res.status).toBe(status);
      const body = await res.json<any>();
      expect(Object.keys(body)).toEqual(['error']);
      expect(typeof body.error).toBe('string');
    });
  });
});

describe('on the Anthropic Messages API, in its {type: "error"} shape', () => {
  describe.each(MESSAGES)('%s', (_surface, send) => {
    it.each(CASES)('%i -> %s', async (code, _status, _code, _type, anthropicType, anthropicStatus) => {
      await expectAnthropicError(await send(failing(code)), anthropicStatus, anthropicType);
    });
  });
});

it('the messages carry what matters: 5035 names the paid plan, 5021 keeps the numbers, an unknown code the upstream text', async () => {
  const paid = await expectError(await postJson(failing(5035), '/v1/chat/completions', { model: CHAT, messages: hi }), 403, {});
  expect(paid.message).toMatch(/Workers Paid plan/);
  const context = await expectError(await postJson(failing(5021), '/v1/chat/completions', { model: CHAT, messages: hi }), 400, {});
  expect(context.message).toMatch(/7968/);
  const unknown = await expectError(await postJson(failing(9999), '/v1/embeddings', { model: EMBED, input: 'x' }), 502, {});
  expect(unknown.message).toMatch(/EMULATOR_FAULTS makes/);
});
