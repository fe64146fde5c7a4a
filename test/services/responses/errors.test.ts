/** POST /v1/responses: bad input, unsupported features and upstream errors are OpenAI-shaped errors. */
import { describe, expect, it } from 'vitest';
import { bindingError, fakeAI, UPSTREAM_ERROR_CASES } from '../../support/fake-ai';
import { bindingEnv, call, expectError, postJson } from '../../support/http';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
const base = { model: MODEL, input: 'Hi' };
const create = (body: unknown, env = bindingEnv()) => postJson(env, '/v1/responses', body);
const fn = { type: 'function', name: 'f', parameters: { type: 'object' } };

describe('responses: bad input', () => {
  it('malformed JSON is a 400 invalid_json', async () => {
    const res = await call(bindingEnv(), '/v1/responses', { method: 'POST', raw: '{"model": ', headers: { 'content-type': 'application/json' } });
    await expectError(res, 400, { code: 'invalid_json', type: 'invalid_request_error' });
  });

  it('a multipart body is a 415', async () => {
    const form = new FormData();
    form.set('model', MODEL);
    await expectError(await call(bindingEnv(), '/v1/responses', { method: 'POST', raw: form }), 415, { code: 'unsupported_media_type' });
  });

  it('a non-object body is a 400', async () => {
    await expectError(await create([1, 2]), 400, { type: 'invalid_request_error' });
  });

  it.each([
    [{ input: 'Hi' }, 'model', /Missing required parameter: 'model'/],
    [{ model: MODEL }, 'input', /Missing required parameter: 'input'/],
    [{ model: 42, input: 'Hi' }, 'model', /expected string/],
    [{ model: '', input: 'Hi' }, 'model', /too short/],
    [{ ...base, input: [] }, 'input', /too short/],
    [{ ...base, input: 42 }, 'input', /none of the accepted forms/],
    [{ ...base, input: [{ role: 'wizard', content: 'x' }] }, 'input[0].role', /Invalid value/],
    [{ ...base, input: [{ role: 'user' }] }, 'input[0].content', /Missing required parameter/],
    [{ ...base, input: [{ type: 'telepathy' }] }, 'input[0].type', /Invalid value/],
    [{ ...base, input: [{ role: 'user', content: [{ type: 'input_text' }] }] }, 'input[0].content[0].text', /Missing required parameter/],
    [{ ...base, input: [{ role: 'user', content: [{ type: 'input_video' }] }] }, 'input[0].content[0].type', /Invalid value/],
    [{ ...base, input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', /Missing required parameter/],
    [{ ...base, input: [{ type: 'function_call_output', call_id: 'c' }] }, 'input[0].output', /Missing required parameter/],
    [{ ...base, instructions: 5 }, 'instructions', /expected string/],
    [{ ...base, temperature: 3 }, 'temperature', /<= 2/],
    [{ ...base, top_p: -1 }, 'top_p', />= 0/],
    [{ ...base, max_output_tokens: 0 }, 'max_output_tokens', />= 1/],
    [{ ...base, max_output_tokens: 1.5 }, 'max_output_tokens', /expected int/],
    [{ ...base, stream: 'yes' }, 'stream', /expected boolean/],
    [{ ...base, tools: [{ type: 'function' }] }, 'tools[0].name', /Missing required parameter/],
    [{ ...base, tools: [{ type: 'hologram' }] }, 'tools[0].type', /Invalid value/],
    [{ ...base, tool_choice: 'sometimes' }, 'tool_choice', /expected one of "none", "auto", "required"/],
    [{ ...base, text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema', /Missing required parameter/],
    [{ ...base, text: { format: { type: 'yaml' } } }, 'text.format.type', /Invalid value/],
    [{ ...base, reasoning: { effort: 'extreme' } }, 'reasoning.effort', /expected one of/],
    [{ ...base, metadata: { a: 1 } }, 'metadata.a', /expected string/],
    [{ ...base, include: ['everything'] }, 'include[0]', /expected one of/],
    [{ ...base, truncation: 'sometimes' }, 'truncation', /expected one of/],
  ])('schema violation %j -> 400 with param', async (body, param, message) => {
    await expectError(await create(body), 400, { type: 'invalid_request_error', code: 'invalid_value', param, message });
  });

  it('an unknown model is a 404 model_not_found naming it', async () => {
    const ai = fakeAI();
    const err = await expectError(await create({ ...base, model: 'gpt-9' }, bindingEnv(ai)), 404, { code: 'model_not_found', param: 'model' });
    expect(err.message).toContain('gpt-9');
    expect(ai.calls).toHaveLength(0);
  });

  it('a model of another task is a 400 model_not_supported', async () => {
    await expectError(await create({ ...base, model: '@cf/baai/bge-base-en-v1.5' }), 400, { code: 'model_not_supported', param: 'model' });
  });

  it.each([
    [{ previous_response_id: 'resp_1' }, 'previous_response_id', /nothing is stored.*RESPONSES_STORE.*bind it.*store: false/],
    [{ conversation: 'conv_1' }, 'conversation', /Conversations API/],
    [{ background: true }, 'background', /Background/],
    [{ prompt: { id: 'pmpt_1' } }, 'prompt', /prompt templates/],
    [{ top_logprobs: 3 }, 'top_logprobs', /probabilities/],
    [{ include: ['reasoning.encrypted_content', 'message.output_text.logprobs'] }, 'include[1]', /probabilities/],
    [{ include: ['file_search_call.results'] }, 'include[0]', /built-in tool/],
    [{ tools: [fn, { type: 'web_search' }] }, 'tools[1]', /built-in tool "web_search"/],
    [{ tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[0]', /file_search/],
    [{ tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }, 'tools[0]', /code_interpreter/],
    [{ tools: [{ type: 'computer_use_preview', display_width: 1, display_height: 1, environment: 'linux' }] }, 'tools[0]', /computer_use_preview/],
    [{ tools: [fn], tool_choice: { type: 'web_search_preview' } }, 'tool_choice', /built-in tool/],
    [{ tools: [fn], tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'web_search' }] } }, 'tool_choice.tools[0]', /function tools/],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]', /`msg_1`.*nothing is stored.*RESPONSES_STORE.*store: false/],
    [{ input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] }, 'input[0].type', /built-in tools/],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] }] }, 'input[0].content[0].file_id', /Files API/],
    [{ input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'data:application/pdf;base64,AAAA' }] }] }, 'input[0].content[0]', /input_file/],
    [{ input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'https://x/y.png', detail: 'auto' }] }] }, 'input[0].content[0]', /only user messages/],
    [{ input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'https://x/y.png' }] }] }, 'input[0].output[0]', /text parts/],
  ])('an unsupported feature %j is a clear 400 unsupported_parameter', async (extra, param, message) => {
    const ai = fakeAI();
    await expectError(await create({ ...base, ...extra }, bindingEnv(ai)), 400, { code: 'unsupported_parameter', param, message });
    expect(ai.calls).toHaveLength(0);
  });

  it('an input_image without a URL is a 400 naming the part', async () => {
    const input = [{ role: 'user', content: [{ type: 'input_image', detail: 'auto' }] }];
    await expectError(await create({ ...base, model: '@cf/meta/llama-4-scout-17b-16e-instruct', input }), 400, { code: 'invalid_value', param: 'input[0].content[0].image_url' });
  });

  it('an input of reasoning items only holds nothing for the model', async () => {
    await expectError(await create({ ...base, input: [{ type: 'reasoning', id: 'rs_1', summary: [] }] }), 400, { code: 'invalid_value', param: 'input' });
  });

  it('what the model lacks is refused with the Responses field named', async () => {
    // tools on a model without tool calling
    await expectError(await create({ ...base, tools: [fn] }), 400, { code: 'unsupported_parameter', param: 'tools' });
    // JSON mode on a model without it
    await expectError(await create({ ...base, model: '@cf/mistral/mistral-7b-instruct-v0.1', text: { format: { type: 'json_object' } } }), 400, {
      code: 'unsupported_parameter',
      param: 'text.format',
    });
    // an image for a text-only model: the chat engine's messages[1] is input[0] after the instructions
    const input = [{ role: 'user', content: [{ type: 'input_text', text: 'What?' }, { type: 'input_image', image_url: 'https://x/y.png' }] }];
    await expectError(await create({ ...base, instructions: 'Be brief.', input }), 400, { code: 'unsupported_parameter', param: 'input[0].content' });
    // a bad image for a vision model, down to the part
    const bad = [{ role: 'user', content: [{ type: 'input_text', text: 'What?' }, { type: 'input_image', image_url: 'data:image/png;base64,@@@' }] }];
    await expectError(await create({ ...base, model: '@cf/meta/llama-4-scout-17b-16e-instruct', input: bad }), 400, {
      code: 'invalid_base64_image',
      param: 'input[0].content[1].image_url',
    });
  });

  it('an input longer than the context window is a 400 context_length_exceeded on input', async () => {
    const err = await expectError(await create({ ...base, model: '@cf/mistral/mistral-7b-instruct-v0.1', input: 'word '.repeat(3000) }), 400, {
      code: 'context_length_exceeded',
      param: 'input',
    });
    expect(err.message).toMatch(/your input resulted in/);
  });

  it('the Worker keeps serving after bad input', async () => {
    const env = bindingEnv();
    await create({ nope: true }, env);
    await call(env, '/v1/responses', { method: 'POST', raw: '{{{', headers: { 'content-type': 'application/json' } });
    expect((await create(base, env)).status).toBe(200);
  });
});

describe('responses: upstream errors', () => {
  it.each(UPSTREAM_ERROR_CASES)('binding error %i maps to HTTP %i', async (code, message, status, errorCode) => {
    const ai = fakeAI(() => {
      throw bindingError(code, message);
    });
    await expectError(await create(base, bindingEnv(ai)), status, { code: errorCode });
    await expectError(await create({ ...base, stream: true }, bindingEnv(ai)), status, { code: errorCode });
  });
});
