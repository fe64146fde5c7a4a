/**
 * POST /v1/rag/chat: retrieve passages for the last user message, put them in a system message
 * that asks for [n] citations, and run an ordinary chat completion. The sources go back beside
 * the OpenAI shapes, never inside them (see docs/rag.md).
 */
import { ApiError, invalidValue, proxyMisconfigured } from '../../errors';
import type { ChatMessage } from '../../schemas/chat';
import type { RagChatRequest } from '../../schemas/rag';
import { createChatCompletion, type ChatResult } from '../chat';
import type { Services } from '../index';
import type { Rag } from './index';
import { retrieve, type Passage } from './search';
import type { RagMetadata } from './types';
import { through } from '../../lib/pull-stream';

export interface Source {
  /** The passage number the answer cites as [index]. */
  index: number;
  id: string;
  document_id: string;
  score: number;
  metadata: RagMetadata;
}

const encoder = new TextEncoder();

/** The text the retrieval searches for: the last user message's text. */
function queryOf(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== 'user') continue;
    const text = typeof m.content === 'string' ? m.content : m.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
    if (text.trim()) return text;
    throw invalidValue(`messages[${i}].content`, 'The last user message has no text to search the documents for.');
  }
  throw invalidValue('messages', 'RAG chat needs a user message: its text is what the documents are searched for.');
}

function contextPrompt(passages: readonly Passage[]): string {
  if (!passages.length) {
    return 'No passages of the document collection matched this question. Say that the documents do not cover it; do not cite sources.';
  }
  const numbered = passages.map((p, i) => `[${i + 1}] (source: ${p.id})\n${p.text}`).join('\n\n');
  return (
    'Answer using the numbered passages below, retrieved from a document collection. Cite the passages you use by their numbers in square brackets, like [1] or [2][3]. ' +
    'If the passages do not contain the answer, say so; do not invent sources.\n\n' +
    numbered
  );
}

export async function ragChat(services: Services, rag: Rag, req: RagChatRequest, signal?: AbortSignal): Promise<{ result: ChatResult; sources: Source[] }> {
  const model = req.model ?? services.config.ragChatModel;
  // Refuse an unknown or non-chat model before paying for the retrieval.
  try {
    await services.catalog.resolve(model, 'openai-chat');
  } catch (err) {
    if (req.model == null && err instanceof ApiError && err.param === 'model') {
      throw proxyMisconfigured(`RAG_CHAT_MODEL: ${err.message}`);
    }
    throw err;
  }
  const query = queryOf(req.messages);
  const { passages } = await retrieve(services, rag, query, req.rag ?? {}, 'rag.', signal);
  const { rag: _options, ...chat } = req;
  const messages: ChatMessage[] = [{ role: 'system', content: contextPrompt(passages) }, ...req.messages];
  const result = await createChatCompletion(services, { ...chat, model, messages }, signal);
  const sources = passages.map((p, i) => ({ index: i + 1, id: p.id, document_id: p.document_id, score: p.score, metadata: p.metadata }));
  return { result, sources };
}

/** The sources without metadata, as a header value: JSON with every non-ASCII character escaped (headers are Latin-1). */
export function sourcesHeader(sources: readonly Source[]): string {
  const brief = sources.map(({ index, id, document_id, score }) => ({ index, id, document_id, score }));
  return JSON.stringify(brief).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Index of the first blank line (`\n\n`) in `bytes`, or -1. */
function eventEnd(bytes: Uint8Array): number {
  for (let i = 1; i < bytes.length; i++) if (bytes[i] === 10 && bytes[i - 1] === 10) return i + 1;
  return -1;
}

/**
 * The chat stream with `"sources": [...]` added to its first event (the role chunk, a valid
 * `chat.completion.chunk` with one extra key). The chat engine's stream chunks hold whole events,
 * so only the first chunk is looked at; the rest passes untouched. A first event that is not a
 * chunk (an error event) is passed on as is.
 */
export function withSources(body: ReadableStream<Uint8Array>, sources: readonly Source[]): ReadableStream<Uint8Array> {
  let first = true;
  return through(body, {
    transform(chunk, c) {
      const end = first ? eventEnd(chunk) : -1;
      first = false;
      const head = end > 0 ? new TextDecoder().decode(chunk.subarray(0, end - 2)) : '';
      if (!(head.startsWith('data: {') && head.endsWith('}') && head.includes('"object":"chat.completion.chunk"'))) return c.enqueue(chunk);
      c.enqueue(encoder.encode(`${head.slice(0, -1)},"sources":${JSON.stringify(sources)}}\n\n`));
      if (end < chunk.length) c.enqueue(chunk.subarray(end));
    },
  });
}
