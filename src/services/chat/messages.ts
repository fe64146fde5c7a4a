/**
 * OpenAI chat messages -> the conversation input each Workers AI model family takes: Workers
 * AI's own `{messages}` (text content, tool calls with Mistral-safe ids), OpenAI Chat
 * Completions `{messages}` (content parts kept), Responses `{instructions, input}` items (gpt-oss),
 * or `{prompt, image}` for Image-to-Text models.
 */
import type { Config } from '../../config';
import { invalidRequest, notSupported, unsupportedParameter } from '../../errors';
import { mapBounded } from '../../lib/bounded';
import type { Json } from '../../lib/json';
import type { ChatMessage } from '../../schemas/chat';
import { tokensOfChars } from '../usage';
import type { ChatProfile } from './profile';
import { upstreamCallId } from './tools';
import { downloadBudget, isRemoteImage, loadImage, type ImageInput } from './vision';

type Part = Exclude<Extract<ChatMessage, { role: 'user' }>['content'], string>[number];

/** Rough token cost of an image, for the context-window estimate. */
const IMAGE_TOKENS = 768;

export interface MessageCheck {
  images: number;
  /** Estimated prompt tokens: ~4 characters per token plus 4 per message (and per image, IMAGE_TOKENS). */
  promptTokens: number;
}

/** The text of a content value: a string, or text (and refusal) parts joined by newlines. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const p of content) {
    const t = typeof p?.text === 'string' ? p.text : typeof p?.refusal === 'string' ? p.refusal : undefined;
    if (t !== undefined) out += out ? `\n${t}` : t;
  }
  return out;
}

const imageUrlOf = (part: Extract<Part, { type: 'image_url' }>) =>
  typeof part.image_url === 'string' ? part.image_url : part.image_url.url;

/** Refuses what the model cannot take, and counts what it will take, before any image is downloaded. */
export function checkMessages(messages: readonly ChatMessage[], profile: ChatProfile, model: string): MessageCheck {
  let images = 0;
  messages.forEach((m, i) => {
    if (m.role === 'function') {
      throw unsupportedParameter(`messages[${i}].role`, 'The deprecated `function` role is not supported; send tool results as `tool` messages.');
    }
    if (!profile.tools && (m.role === 'tool' || (m.role === 'assistant' && m.tool_calls?.length))) {
      throw unsupportedParameter(`messages[${i}]`, `The model \`${model}\` does not support tool calling on Workers AI, so it cannot take tool messages.`);
    }
    if (m.role !== 'user' || typeof m.content === 'string') return;
    for (const part of m.content) {
      if (part.type === 'image_url') {
        if (profile.vision === 'none') {
          throw unsupportedParameter(`messages[${i}].content`, `The model \`${model}\` does not accept images; use a vision model (for example @cf/meta/llama-4-scout-17b-16e-instruct).`);
        }
        images++;
      } else if (part.type !== 'text') {
        throw notSupported(`messages[${i}].content`, `Content of type "${part.type}"`);
      }
    }
  });
  if ((profile.vision === 'image-field' && images > 1) || (profile.vision === 'image-to-text' && images !== 1)) {
    throw unsupportedParameter('messages', `The model \`${model}\` takes exactly one image per request; this one has ${images}.`);
  }
  return { images, promptTokens: estimate(messages, images) };
}

/**
 * Downloads / decodes every image, keyed by "message.part": at most `limits.maxCount` URLs (refused
 * before any download), `limits.concurrency` at a time, `limits.maxTotalBytes` in all. Only for
 * requests with images (checkMessages counts them): the others build their conversation without a promise.
 */
export async function loadImages(messages: readonly ChatMessage[], profile: ChatProfile, limits: Config['urlInputs'], signal?: AbortSignal): Promise<Map<string, ImageInput>> {
  const needBytes = profile.vision === 'image-field' || profile.vision === 'image-to-text';
  const jobs: { key: string; url: string; param: string }[] = [];
  messages.forEach((m, i) => {
    if (m.role !== 'user' || typeof m.content === 'string') return;
    m.content.forEach((part, j) => {
      if (part.type === 'image_url') jobs.push({ key: `${i}.${j}`, url: imageUrlOf(part), param: `messages[${i}].content[${j}].image_url` });
    });
  });
  const remote = jobs.filter((j) => isRemoteImage(j.url));
  if (remote.length > limits.maxCount) {
    throw invalidRequest(`This request links to ${remote.length} images; at most ${limits.maxCount} are fetched (MAX_URL_INPUTS): send the others as data URLs.`, 'messages', 'too_many_image_urls');
  }
  const budget = downloadBudget(limits);
  const images = await mapBounded(jobs, limits.concurrency, (job, _i, s) => loadImage(job.url, job.param, needBytes, budget, s), signal);
  return new Map(jobs.map((job, i) => [job.key, images[i]!]));
}

function estimate(messages: readonly ChatMessage[], images: number): number {
  let tokens = images * IMAGE_TOKENS;
  for (const m of messages) {
    let chars = textOf(m.content).length;
    if (m.role === 'assistant' && m.tool_calls) for (const c of m.tool_calls) chars += c.function.name.length + c.function.arguments.length;
    tokens += tokensOfChars(chars) + 4;
  }
  return tokens;
}

/** Names of the functions called earlier, by call id (tool results name the function they answer). */
function callNames(messages: readonly ChatMessage[]): Map<string, string> | undefined {
  // Made only for a conversation with tool calls: most have none.
  let names: Map<string, string> | undefined;
  for (const m of messages) if (m.role === 'assistant' && m.tool_calls) for (const c of m.tool_calls) (names ??= new Map()).set(c.id, c.function.name);
  return names;
}

const same = (id: string) => id;

function chatMessages(messages: readonly ChatMessage[], profile: ChatProfile, images: ReadonlyMap<string, ImageInput>): Json[] {
  const legacy = profile.api === 'legacy';
  const id = legacy ? upstreamCallId : same;
  const names = legacy ? callNames(messages) : undefined;
  return messages.map((m, i): Json => {
    switch (m.role) {
      case 'system':
      case 'developer':
        // Workers AI chat templates know system/user/assistant/tool; "developer" is OpenAI's new name for system.
        return { role: 'system', content: textOf(m.content) };
      case 'user': {
        if (typeof m.content === 'string' || profile.vision !== 'parts' || !m.content.some((p) => p.type === 'image_url')) {
          return { role: 'user', content: textOf(m.content) };
        }
        return {
          role: 'user',
          content: m.content.map((p, j) =>
            p.type === 'image_url' ? { type: 'image_url', image_url: { url: images.get(`${i}.${j}`)!.dataUrl } } : { type: 'text', text: textOf([p]) },
          ),
        };
      }
      case 'assistant': {
        // Workers AI rejects null content; reasoning_content from earlier turns is not sent back.
        const out: Json = { role: 'assistant', content: textOf(m.content) };
        if (m.tool_calls?.length) {
          out.tool_calls = m.tool_calls.map((c) => ({ id: id(c.id), type: 'function', function: { name: c.function.name, arguments: c.function.arguments } }));
        }
        return out;
      }
      case 'tool': {
        const name = names?.get(m.tool_call_id);
        return { role: 'tool', content: textOf(m.content), tool_call_id: id(m.tool_call_id), ...(name && { name }) };
      }
      default:
        return { role: m.role, content: textOf(m.content) };
    }
  });
}

/** Responses input: leading system/developer text becomes `instructions`, the rest input items. */
function responsesInput(messages: readonly ChatMessage[], images: ReadonlyMap<string, ImageInput>): Json {
  const instructions: string[] = [];
  const input: Json[] = [];
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        if (input.length) input.push({ type: 'message', role: 'developer', content: textOf(m.content) });
        else instructions.push(textOf(m.content));
        break;
      case 'user':
        input.push({
          type: 'message',
          role: 'user',
          content:
            typeof m.content === 'string' || !images.size
              ? textOf(m.content)
              : m.content.map((p, j) =>
                  p.type === 'image_url'
                    ? { type: 'input_image', image_url: images.get(`${i}.${j}`)!.dataUrl, detail: 'auto' }
                    : { type: 'input_text', text: textOf([p]) },
                ),
        });
        break;
      case 'assistant': {
        const text = textOf(m.content);
        if (text || !m.tool_calls?.length) input.push({ type: 'message', role: 'assistant', content: text });
        for (const c of m.tool_calls ?? []) {
          input.push({ type: 'function_call', call_id: c.id, name: c.function.name, arguments: c.function.arguments });
        }
        break;
      }
      case 'tool':
        input.push({ type: 'function_call_output', call_id: m.tool_call_id, output: textOf(m.content) });
        break;
    }
  });
  return { ...(instructions.length && { instructions: instructions.join('\n\n') }), input };
}

const NO_IMAGES: ReadonlyMap<string, ImageInput> = new Map();

/**
 * The input fields carrying the conversation (messages / instructions + input / prompt, image),
 * after checkMessages, with the request's images as loadImages gave them.
 */
export function conversationInputs(messages: readonly ChatMessage[], profile: ChatProfile, images: ReadonlyMap<string, ImageInput> = NO_IMAGES): Json {
  const firstBytes = () => Array.from(images.values())[0]?.bytes;

  if (profile.vision === 'image-to-text') {
    // llava / uform: one image and a prompt; the last user text is the question.
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    const question = textOf(lastUser?.content) || 'Describe this image.';
    // moondream: a `query` task on a data-URI image; its schema streams by default, so say no.
    if (profile.takes('question') && profile.takes('task')) return { task: 'query', question, image: Array.from(images.values())[0]!.dataUrl, stream: false };
    return { prompt: question, image: Array.from(firstBytes()!) };
  }
  if (profile.api === 'responses') return responsesInput(messages, images);
  const fields: Json = { messages: chatMessages(messages, profile, images) };
  const bytes = profile.vision === 'image-field' ? firstBytes() : undefined;
  if (bytes) fields.image = Array.from(bytes);
  return fields;
}
