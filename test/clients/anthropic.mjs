#!/usr/bin/env node
// The Anthropic clients, unchanged, against `wrangler dev` on the emulator: the official
// @anthropic-ai/sdk (messages.create, the stream helper and its finalMessage, a tool round trip,
// countTokens, models.list, its error classes) and the AI SDK's @ai-sdk/anthropic provider
// (generateText / streamText with tools). Run by `npm test`; prints "N passed, M failed".
import { createAnthropic } from '@ai-sdk/anthropic';
import Anthropic from '@anthropic-ai/sdk';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { clientChecks } from '../support/client-checks.mjs';
import { startDevServer } from '../support/dev-server.mjs';

const KEY = 'sdk-test-key';
const MODEL = 'claude-sonnet-5-5';
const server = await startDevServer(['AI_TRANSPORT:emulator', `PROXY_API_KEY:${KEY}`]);
const client = new Anthropic({ baseURL: server.url, apiKey: KEY, maxRetries: 0 });
const provider = createAnthropic({ baseURL: `${server.url}/v1`, apiKey: KEY });

const { check, test, finish } = clientChecks();
const rejects = async (promise, ErrorClass, status) => {
  try {
    await promise;
  } catch (err) {
    check(err instanceof ErrorClass, `expected ${ErrorClass.name}, got ${err?.constructor?.name}: ${err?.message}`);
    check(err.status === status, `status ${err.status}`);
    check(err.error?.type === 'error' && typeof err.error?.error?.type === 'string', JSON.stringify(err.error));
    check(typeof err.requestID === 'string' && err.requestID.startsWith('req_'), `requestID ${err.requestID}`);
    return err;
  }
  throw new Error('expected a rejection');
};
const weather = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

try {
  console.log('@anthropic-ai/sdk');
  await test('messages.create answers a Message', async () => {
    const m = await client.messages.create({ model: MODEL, max_tokens: 200, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'Hello' }] });
    check(m.type === 'message' && m.id.startsWith('msg_') && m.model === MODEL, JSON.stringify(m));
    check(m.stop_reason === 'end_turn', m.stop_reason);
    check(m.content.at(-1).type === 'text' && m.content.at(-1).text.includes('synthetic'), JSON.stringify(m.content));
    check(m.usage.input_tokens > 0 && m.usage.output_tokens > 0, JSON.stringify(m.usage));
  });
  await test('messages.stream: text events as they come, and finalMessage', async () => {
    const stream = client.messages.stream({ model: MODEL, max_tokens: 200, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'Hello' }] });
    let text = '';
    let thinking = '';
    stream.on('text', (delta) => (text += delta));
    stream.on('thinking', (delta) => (thinking += delta));
    const final = await stream.finalMessage();
    const block = final.content.find((b) => b.type === 'text');
    check(text.length > 0 && block.text === text, `${text} / ${block?.text}`);
    check(thinking.length > 0 && final.content[0].type === 'thinking' && final.content[0].thinking === thinking, thinking);
    check(final.stop_reason === 'end_turn' && final.usage.output_tokens > 0, JSON.stringify(final));
  });
  await test('stream: true with for await over the raw events', async () => {
    const stream = await client.messages.create({ model: MODEL, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const types = [];
    for await (const event of stream) types.push(event.type);
    check(types[0] === 'message_start' && types.at(-1) === 'message_stop' && types.includes('content_block_delta') && types.includes('message_delta'), types.join(','));
  });
  await test('a tool round trip: tool_use, then the tool_result answered', async () => {
    const messages = [{ role: 'user', content: 'Use get_weather for Paris' }];
    const stream = client.messages.stream({ model: MODEL, max_tokens: 300, tools: [weather], messages });
    let json = '';
    stream.on('inputJson', (delta) => (json += delta));
    const first = await stream.finalMessage();
    const use = first.content.find((b) => b.type === 'tool_use');
    check(first.stop_reason === 'tool_use' && use?.name === 'get_weather' && use.input.city === 'emulated', JSON.stringify(first.content));
    check(JSON.parse(json).city === 'emulated', json);
    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 300,
      tools: [weather],
      messages: [...messages, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18C and sunny' }] }],
    });
    check(second.stop_reason === 'end_turn' && !second.content.some((b) => b.type === 'tool_use'), JSON.stringify(second.content));
  });
  await test('messages.countTokens', async () => {
    const r = await client.messages.countTokens({ model: MODEL, tools: [weather], messages: [{ role: 'user', content: 'Hello there' }] });
    check(Number.isInteger(r.input_tokens) && r.input_tokens > 0, JSON.stringify(r));
  });
  await test('models.list pages through the catalog in Anthropic shape', async () => {
    const ids = [];
    for await (const m of client.models.list({ limit: 5 })) {
      check(m.type === 'model' && m.display_name && m.created_at, JSON.stringify(m));
      ids.push(m.id);
    }
    check(ids.length > 5 && new Set(ids).size === ids.length && ids.includes('@cf/zai-org/glm-4.7-flash'), ids.join(','));
    const one = await client.models.retrieve('claude-haiku-4-5');
    check(one.id === 'claude-haiku-4-5' && one.display_name.includes('gemma-4'), JSON.stringify(one));
  });
  await test('error classes: BadRequestError, AuthenticationError, NotFoundError', async () => {
    const bad = await rejects(client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] }), Anthropic.BadRequestError, 400);
    check(bad.error.error.type === 'invalid_request_error' && /tool_use_id/.test(bad.error.error.message), bad.message);
    await rejects(client.messages.create({ model: MODEL, max_tokens: 10, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: 'x' }] }), Anthropic.BadRequestError, 400);
    const keyless = new Anthropic({ baseURL: server.url, apiKey: 'wrong', maxRetries: 0 });
    await rejects(keyless.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), Anthropic.AuthenticationError, 401);
    await rejects(client.messages.create({ model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), Anthropic.NotFoundError, 404);
  });
  await test('a Bearer token (ANTHROPIC_AUTH_TOKEN) is accepted too', async () => {
    const bearer = new Anthropic({ baseURL: server.url, apiKey: null, authToken: KEY, maxRetries: 0 });
    const m = await bearer.messages.create({ model: MODEL, max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
    check(m.type === 'message', JSON.stringify(m));
  });

  console.log('@ai-sdk/anthropic');
  const tools = {
    get_weather: tool({ description: 'Weather for a city', inputSchema: jsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }), execute: async () => ({ temp: 21 }) }),
  };
  await test('generateText', async () => {
    const r = await generateText({ model: provider(MODEL), prompt: 'Hello' });
    check(r.text.includes('synthetic') && r.finishReason === 'stop' && r.usage.outputTokens > 0, JSON.stringify([r.text, r.finishReason, r.usage]));
  });
  await test('generateText with a tool: a two-step loop', async () => {
    const r = await generateText({ model: provider(MODEL), prompt: 'What is the weather in Paris? Use get_weather.', tools, stopWhen: stepCountIs(2) });
    check(r.steps.length === 2 && r.steps[0].toolCalls[0]?.toolName === 'get_weather' && r.steps[0].toolResults.length === 1, JSON.stringify(r.steps.map((s) => [s.finishReason, s.toolCalls.length])));
    check(r.steps[1].finishReason === 'stop' && r.text.length > 0, r.text);
  });
  await test('streamText with a tool: text and tool input deltas, then the result', async () => {
    const r = streamText({ model: provider(MODEL), prompt: 'Use get_weather for Paris', tools, stopWhen: stepCountIs(2) });
    const kinds = new Set();
    for await (const part of r.fullStream) kinds.add(part.type);
    check(kinds.has('tool-input-delta') && kinds.has('tool-call') && kinds.has('tool-result') && kinds.has('text-delta'), [...kinds].join(','));
    check((await r.text).length > 0 && (await r.steps).length === 2, 'steps');
  });
} finally {
  server.stop();
}

finish();
