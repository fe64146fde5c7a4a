/** Reasoning models: the thinking goes to reasoning_content, never into content. */
import { describe, expect, it } from 'vitest';
import { fakeAI, sseStream, tokenStream, gatedStream } from '../../support/fake-ai';
import { bindingEnv, jsonOf, postJson, chatChunks } from '../../support/http';

const R1 = '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b';
const QWQ = '@cf/qwen/qwq-32b';
const QWEN3 = '@cf/qwen/qwen3-30b-a3b-fp8';
const chat = (ai: ReturnType<typeof fakeAI>, body: Record<string, unknown>) =>
  postJson(bindingEnv(ai), '/v1/chat/completions', { messages: [{ role: 'user', content: 'What is 2+2?' }], ...body });

/** Reasoning and content text of a stream, and its chunks (spec-checked). */
async function streamed(res: Response) {
  const chunks = await chatChunks(res);
  const deltas = chunks.map((c) => c.choices[0]?.delta ?? {});
  return {
    chunks,
    reasoning: deltas.map((d) => d.reasoning_content ?? '').join(''),
    content: deltas.map((d) => d.content ?? '').join(''),
    finish: chunks.at(-1).choices[0]?.finish_reason,
  };
}

describe('reasoning: non-stream', () => {
  it('deepseek-r1-distill: text before </think> is reasoning even without the opening tag', async () => {
    const ai = fakeAI(() => ({ response: 'The user asks 2+2.\nThat is 4.\n</think>\n\nThe answer is 4.', usage: { prompt_tokens: 9, completion_tokens: 20, total_tokens: 29 } }));
    const body = await jsonOf(await chat(ai, { model: R1 }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message).toEqual({ role: 'assistant', content: 'The answer is 4.', refusal: null, reasoning_content: 'The user asks 2+2.\nThat is 4.' });
  });

  it('qwq: an explicit <think> block is split out too', async () => {
    const ai = fakeAI(() => ({ response: '<think>\nSimple sum.\n</think>\n\n4' }));
    const body = await jsonOf(await chat(ai, { model: QWQ }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.reasoning_content).toBe('Simple sum.');
    expect(body.choices[0].message.content).toBe('4');
  });

  it('qwen3 chat.completion output: reasoning_content is passed on', async () => {
    const ai = fakeAI(() => ({
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: '4', reasoning_content: 'Add them.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
    }));
    const body = await jsonOf(await chat(ai, { model: QWEN3 }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message).toMatchObject({ content: '4', reasoning_content: 'Add them.' });
  });

  it('a model that is not a reasoning model keeps <think> text in content', async () => {
    const ai = fakeAI(() => ({ response: '<think>literal</think> tags' }));
    const body = await jsonOf(await chat(ai, { model: '@cf/meta/llama-3.1-8b-instruct' }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.content).toBe('<think>literal</think> tags');
    expect(body.choices[0].message.reasoning_content).toBeUndefined();
  });

  it('stop sequences apply to the answer, not to the thinking', async () => {
    const ai = fakeAI(() => ({ response: 'I could say END here.</think>Four. END more' }));
    const body = await jsonOf(await chat(ai, { model: R1, stop: 'END' }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.reasoning_content).toBe('I could say END here.');
    expect(body.choices[0].message.content).toBe('Four. ');
  });

  it('a JSON-mode answer of deepseek-r1-distill is content, not an unterminated thought', async () => {
    const ai = fakeAI(() => ({ response: { answer: 4 } }));
    const body = await jsonOf(await chat(ai, { model: R1, response_format: { type: 'json_object' } }), 'CreateChatCompletionResponse');
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ answer: 4 });
    expect(body.choices[0].message.reasoning_content).toBeUndefined();
  });

  it('running out of tokens while thinking leaves content empty and finish_reason length', async () => {
    const ai = fakeAI(() => ({ response: 'Still thinking about', usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } }));
    const body = await jsonOf(await chat(ai, { model: R1, max_tokens: 3 }), 'CreateChatCompletionResponse');
    expect(body.choices[0]).toMatchObject({ message: { content: '', reasoning_content: 'Still thinking about' }, finish_reason: 'length' });
  });
});

describe('reasoning: stream', () => {
  it('splits <think> across events, with tags cut anywhere and no opening tag (deepseek-r1-distill)', async () => {
    const tokens = ['Two', ' plus', ' two.', '\n</', 'thi', 'nk>', '\n', '\nFo', 'ur', '.'];
    const ai = fakeAI(() => tokenStream(tokens, { prompt_tokens: 5, completion_tokens: 10, total_tokens: 15 }, { split: 7 }));
    const { reasoning, content, chunks, finish } = await streamed(await chat(ai, { model: R1, stream: true }));
    expect(reasoning).toBe('Two plus two.\n');
    expect(content).toBe('Four.');
    expect(finish).toBe('stop');
    for (const c of chunks) expect(JSON.stringify(c)).not.toMatch(/think>/);
  });

  it('handles an opening tag split across events (qwq)', async () => {
    const ai = fakeAI(() => tokenStream(['<th', 'ink>', '\nHmm', '.</think>', '\n\n4']));
    const { reasoning, content } = await streamed(await chat(ai, { model: QWQ, stream: true }));
    expect(reasoning).toBe('Hmm.');
    expect(content).toBe('4');
  });

  it('sends reasoning as it arrives, before the answer exists', async () => {
    const { stream, release } = gatedStream('data: {"response":"Thinking hard"}\n\n', 'data: {"response":"</think>Done"}\n\ndata: [DONE]\n\n');
    const ai = fakeAI(() => stream);
    const res = await chat(ai, { model: R1, stream: true });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes('Thinking')) seen += (await reader.read()).value;
    expect(seen).toContain('"reasoning_content":"Thinking hard"');
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    expect(rest).toContain('"content":"Done"');
  });

  it('passes reasoning_content deltas (qwen3) and vLLM-style reasoning deltas', async () => {
    const ai = fakeAI(() =>
      sseStream([
        { choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] },
        { choices: [{ index: 0, delta: { reasoning_content: 'Add' } }] },
        { choices: [{ index: 0, delta: { reasoning: ' them.' } }] },
        { choices: [{ index: 0, delta: { content: '4' }, finish_reason: 'stop' }] },
        '[DONE]',
      ]),
    );
    const { reasoning, content } = await streamed(await chat(ai, { model: QWEN3, stream: true }));
    expect(reasoning).toBe('Add them.');
    expect(content).toBe('4');
  });

  it('a thinking block cut off by max_tokens stays reasoning, with finish_reason length', async () => {
    const ai = fakeAI(() => tokenStream(['Let', ' me', ' see'], { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 }));
    const { reasoning, content, finish } = await streamed(await chat(ai, { model: R1, stream: true, max_tokens: 3 }));
    expect(reasoning).toBe('Let me see');
    expect(content).toBe('');
    expect(finish).toBe('length');
  });
});

describe('reasoning: effort', () => {
  it('gpt-oss gets Responses reasoning.effort (minimal maps to low, its lowest)', async () => {
    const ai = fakeAI(() => ({ object: 'response', output: [], status: 'completed' }));
    await chat(ai, { model: '@cf/openai/gpt-oss-120b', reasoning_effort: 'high' });
    await chat(ai, { model: '@cf/openai/gpt-oss-120b', reasoning_effort: 'minimal' });
    expect(ai.calls.map((c) => c.inputs.reasoning)).toEqual([{ effort: 'high' }, { effort: 'low' }]);
  });

  it('OpenAI-input reasoning models get reasoning_effort; none turns thinking off through the chat template', async () => {
    const ai = fakeAI();
    await chat(ai, { model: '@cf/moonshotai/kimi-k2.6', reasoning_effort: 'medium' });
    await chat(ai, { model: QWEN3, reasoning_effort: 'none' });
    expect(ai.calls[0]!.inputs.reasoning_effort).toBe('medium');
    expect(ai.calls[1]!.inputs.chat_template_kwargs).toEqual({ enable_thinking: false });
  });

  it('is not sent to models without reasoning', async () => {
    const ai = fakeAI();
    await chat(ai, { model: '@cf/meta/llama-3.1-8b-instruct', reasoning_effort: 'high' });
    expect(ai.calls[0]!.inputs).not.toHaveProperty('reasoning_effort');
  });
});
