#!/usr/bin/env node
// The real clients this proxy exists for, unchanged, against `wrangler dev` on the emulator:
// the OpenAI Node SDK (every endpoint family, its stream helpers and error classes) and the
// Vercel AI SDK (its default Responses-API model, the chat model, streaming, embeddings).
// Run by `npm test` after the workerd suite; prints "N passed, M failed".
import { createOpenAI } from '@ai-sdk/openai';
import { embed, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI, { toFile } from 'openai';
import { clientChecks } from '../support/client-checks.mjs';
import { startDevServer } from '../support/dev-server.mjs';

const KEY = 'sdk-test-key';
const CHAT = '@cf/meta/llama-3.1-8b-instruct-fast';
const TOOLS_MODEL = '@cf/meta/llama-4-scout-17b-16e-instruct';

const server = await startDevServer(['AI_TRANSPORT:emulator', `PROXY_API_KEY:${KEY}`]);
const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, maxRetries: 0 });
const provider = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY });

const { check, test, finish } = clientChecks();

/** A 0.5 s 16 kHz mono WAV: what a client would upload. */
function wav() {
  const samples = 8000;
  const buf = new ArrayBuffer(44 + samples * 2);
  const v = new DataView(buf);
  const ascii = (at, s) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + samples * 2, true);
  ascii(8, 'WAVEfmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, 16000, true);
  v.setUint32(28, 32000, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) v.setInt16(44 + i * 2, Math.round(Math.sin(i / 10) * 8000), true);
  return new Uint8Array(buf);
}

const weather = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

try {
  console.log('OpenAI Node SDK');
  await test('models.list pages the catalog', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    check(ids.includes(CHAT), `no ${CHAT} in ${ids.length} models`);
  });
  await test('chat.completions.create', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });
    check(r.model === 'gpt-4o-mini' && r.choices[0].message.content.length > 0 && r.usage.total_tokens > 0, JSON.stringify(r));
  });
  await test('chat.completions.stream helper accumulates a final completion with usage', async () => {
    const stream = client.chat.completions.stream({ model: CHAT, messages: [{ role: 'user', content: 'count to 5' }], stream_options: { include_usage: true } });
    let deltas = 0;
    stream.on('content', () => deltas++);
    const final = await stream.finalChatCompletion();
    check(deltas > 3 && final.choices[0].message.content.includes('5') && final.usage?.completion_tokens > 0, JSON.stringify(final));
  });
  await test('tool calls, streamed, parse back into arguments', async () => {
    const stream = client.chat.completions.stream({ model: TOOLS_MODEL, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weather], tool_choice: 'required' });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0].message.tool_calls?.[0];
    check(final.choices[0].finish_reason === 'tool_calls' && call?.function.name === 'get_weather', JSON.stringify(final.choices[0]));
    check(typeof JSON.parse(call.function.arguments) === 'object', call.function.arguments);
  });
  await test('JSON mode through chat.completions.parse-style response_format', async () => {
    const r = await client.chat.completions.create({
      model: CHAT,
      messages: [{ role: 'user', content: 'A person' }],
      response_format: { type: 'json_schema', json_schema: { name: 'p', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } },
    });
    check(typeof JSON.parse(r.choices[0].message.content) === 'object', r.choices[0].message.content);
  });
  await test('completions.create (legacy)', async () => {
    const r = await client.completions.create({ model: CHAT, prompt: 'Say hi', max_tokens: 20 });
    check(r.object === 'text_completion' && r.choices[0].text.length > 0, JSON.stringify(r));
  });
  await test('embeddings.create (the SDK asks for base64 and decodes it)', async () => {
    const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    check(r.data.length === 2 && r.data[0].embedding.length === 384 && r.data[0].embedding.every(Number.isFinite), `${r.data[0].embedding.length}`);
    const norm = Math.hypot(...r.data[0].embedding);
    check(Math.abs(norm - 1) < 1e-3, `norm ${norm}`);
  });
  await test('moderations.create', async () => {
    const r = await client.moderations.create({ input: 'I will bomb the building' });
    check(r.results[0].flagged === true && typeof r.results[0].categories.violence === 'boolean', JSON.stringify(r.results[0]));
  });
  await test('images.generate (b64_json)', async () => {
    const r = await client.images.generate({ model: 'dall-e-3', prompt: 'a lighthouse', response_format: 'b64_json' });
    const bytes = Buffer.from(r.data[0].b64_json, 'base64');
    check(bytes[0] === 0xff && bytes[1] === 0xd8, 'not a JPEG');
  });
  await test('audio.transcriptions.create (verbose_json with words)', async () => {
    const r = await client.audio.transcriptions.create({
      file: await toFile(wav(), 'speech.wav', { type: 'audio/wav' }),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    check(r.text.length > 0 && Array.isArray(r.words) && Array.isArray(r.segments), JSON.stringify(r).slice(0, 300));
  });
  await test('audio.translations.create', async () => {
    const r = await client.audio.translations.create({ file: await toFile(wav(), 'speech.wav'), model: 'whisper-1' });
    check(typeof r.text === 'string' && r.text.length > 0, JSON.stringify(r));
  });
  await test('audio.speech.create', async () => {
    const r = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hello there' });
    const bytes = new Uint8Array(await r.arrayBuffer());
    check(r.headers.get('content-type') === 'audio/mpeg' && bytes.length > 100, `${r.headers.get('content-type')} ${bytes.length}`);
  });
  await test('responses.create and the responses.stream helper', async () => {
    const r = await client.responses.create({ model: CHAT, input: 'Hello', instructions: 'Be brief.' });
    check(r.status === 'completed' && r.output_text.length > 0, JSON.stringify(r).slice(0, 300));
    const stream = client.responses.stream({ model: CHAT, input: 'count to 3' });
    let deltas = 0;
    stream.on('response.output_text.delta', () => deltas++);
    const final = await stream.finalResponse();
    check(deltas > 1 && final.output_text.includes('3') && final.usage.output_tokens > 0, JSON.stringify(final).slice(0, 300));
  });
  await test('errors arrive as the SDK error classes with the right status', async () => {
    const missing = await client.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    check(missing instanceof OpenAI.NotFoundError && missing.code === 'model_not_found', String(missing));
    const bad = await client.chat.completions.create({ model: CHAT, messages: [], temperature: 9 }).catch((e) => e);
    check(bad instanceof OpenAI.BadRequestError && bad.param, String(bad));
    const unauth = await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'wrong', maxRetries: 0 }).models.list().catch((e) => e);
    check(unauth instanceof OpenAI.AuthenticationError, String(unauth));
  });

  console.log('Vercel AI SDK');
  await test('generateText with the default model (Responses API)', async () => {
    const r = await generateText({ model: provider(CHAT), prompt: 'Hello' });
    check(r.text.length > 0 && r.usage.outputTokens > 0 && r.finishReason === 'stop', JSON.stringify({ text: r.text, usage: r.usage, finish: r.finishReason }));
  });
  await test('streamText with the default model', async () => {
    const r = streamText({ model: provider(CHAT), prompt: 'count to 4' });
    let text = '';
    for await (const part of r.textStream) text += part;
    check(text.includes('4'), text);
  });
  await test('generateText with tools on the chat model runs the tool', async () => {
    const r = await generateText({
      model: provider.chat(TOOLS_MODEL),
      prompt: 'What is the weather in Paris? Use get_weather.',
      tools: { get_weather: tool({ description: 'Weather', inputSchema: jsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }), execute: async () => ({ temp: 21 }) }) },
      toolChoice: 'required',
    });
    check(r.toolCalls.length === 1 && r.toolCalls[0].toolName === 'get_weather' && r.toolResults.length === 1, JSON.stringify(r.steps.map((s) => s.finishReason)));
  });
  await test('a two-turn conversation with the default model and store: true (item references)', async () => {
    const first = await generateText({ model: provider(CHAT), prompt: 'Hello' });
    const second = await generateText({ model: provider(CHAT), messages: [{ role: 'user', content: 'Hello' }, ...first.response.messages, { role: 'user', content: 'And again?' }] });
    check(second.text.length > 0, second.text);
  });
  await test('a multi-step tool loop with the default model (function_call references + outputs)', async () => {
    const r = await generateText({
      model: provider(TOOLS_MODEL),
      prompt: 'What is the weather in Paris? Use get_weather.',
      tools: { get_weather: tool({ description: 'Weather', inputSchema: jsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }), execute: async () => ({ temp: 21 }) }) },
      stopWhen: stepCountIs(2),
    });
    check(r.steps.length === 2 && r.steps[0].toolCalls.length === 1 && r.steps[0].toolResults.length === 1, JSON.stringify(r.steps.map((s) => [s.finishReason, s.toolCalls.length])));
  });
  await test('embed with an embedding model', async () => {
    const r = await embed({ model: provider.embedding('@cf/baai/bge-base-en-v1.5'), value: 'hello' });
    check(r.embedding.length === 768, `${r.embedding.length}`);
  });
} finally {
  server.stop();
}

finish();
