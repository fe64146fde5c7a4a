import type * as z from 'zod/mini';
import { ListModelsQuery } from '../schemas/models';
import { html, jsonOf, ndjson, sse, type Success } from './responses';
import { SpeechRequest, TranscriptionForm, TranslationForm } from '../schemas/audio';
import { ChatCompletionRequest } from '../schemas/chat';
import { CompletionRequest } from '../schemas/completions';
import { EmbeddingRequest } from '../schemas/embeddings';
import { ImageEditFields, ImageGenerationRequest } from '../schemas/images';
import { ModerationRequest } from '../schemas/moderations';
import { CountTokensRequest, CreateMessageRequest } from '../schemas/messages';
import { CreateResponseRequest } from '../schemas/responses';
import {
  OllamaChatRequest,
  OllamaEmbedRequest,
  OllamaEmbeddingsRequest,
  OllamaGenerateRequest,
  OllamaShowRequest,
} from '../schemas/ollama';
import { RagChatRequest, RagDeleteRequest, RagDocumentsRequest, RagSearchRequest } from '../schemas/rag';

export interface EndpointDoc {
  method: 'get' | 'post' | 'delete';
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** The request body: the route's own Zod schema, so the reference cannot drift from validation. */
  body?: { schema: z.ZodMiniType; type: 'application/json' | 'multipart/form-data'; files?: string[] };
  /** Query parameters: the route's own Zod object schema. */
  query?: z.ZodMiniType;
  /** What a success looks like, in words (the page) and as schemas per media type (/openapi.json). */
  returns: string;
  ok: Success;
  /** A request body to start from (the /docs page's "try it" and the OpenAPI example). */
  example?: Record<string, unknown>;
  public?: boolean;
}

const M = '@cf/meta/llama-3.1-8b-instruct-fast';

const json = (schema: z.ZodMiniType) => ({ schema, type: 'application/json' as const });
const form = (schema: z.ZodMiniType, files: string[]) => ({ schema, type: 'multipart/form-data' as const, files });

/** Every route of the Worker. test/docs/docs.test.ts checks this list against the router. */
export const ENDPOINTS: EndpointDoc[] = [
  { method: 'get', path: '/v1/models', tag: 'Models', summary: 'List models', description: 'The live Workers AI catalog, filtered to models an endpoint here can serve. `?protocol=` narrows it (openai-chat, openai-embeddings, openai-images, openai-image-edits, openai-audio, openai-transcriptions, openai-translations, openai-speech, openai-moderations). With an `anthropic-version` header (Anthropic clients): Anthropic\'s shape, `{data: [{type: "model", id, display_name, created_at, ...}], has_more, first_id, last_id}`, paged by `limit`, `after_id`, `before_id`.', query: ListModelsQuery, returns: 'ListModelsResponse', ok: jsonOf('ModelList') },
  { method: 'get', path: '/v1/models/{model}', tag: 'Models', summary: 'Retrieve a model', description: 'Ids contain slashes: /v1/models/@cf/meta/llama-3.1-8b-instruct. Aliases (gpt-4o-mini) answer under their own name.', returns: 'Model', ok: jsonOf('Model') },
  { method: 'post', path: '/v1/chat/completions', tag: 'Chat', summary: 'Create a chat completion', description: 'Non-stream or SSE stream (`stream: true`), as OpenAI.', body: json(ChatCompletionRequest), returns: 'CreateChatCompletionResponse (or a stream of CreateChatCompletionStreamResponse)', ok: { ...jsonOf('ChatCompletion'), ...sse('ChatCompletionChunk') }, example: { model: M, messages: [{ role: 'user', content: 'Hello!' }] } },
  { method: 'post', path: '/v1/responses', tag: 'Responses', summary: 'Create a response (Responses API)', description: 'Over any chat model, through the same engine as chat completions. `stream: true` sends the Responses event stream (`event:` + `data:` lines, no [DONE]). With RESPONSES_STORE bound (in memory on the emulator), `store` (default true) keeps the response, and `item_reference` items and `previous_response_id` are resolved; without it they are refused and nothing is stored.', body: json(CreateResponseRequest), returns: 'Response (or a stream of ResponseStreamEvent)', ok: { ...jsonOf('Response'), ...sse('ResponseStreamEvent') }, example: { model: M, input: 'Why is the sky blue?' } },
  { method: 'post', path: '/v1/messages', tag: 'Anthropic', summary: 'Create a message (Anthropic Messages API)', description: 'For Claude Code, the Anthropic SDKs and @ai-sdk/anthropic, over the same engine as chat completions. `claude-*` names run the model ANTHROPIC_MODEL_MAP gives their family; `@cf/...` ids run as they are. Key in `x-api-key` or `Authorization: Bearer`. `stream: true` sends Anthropic\'s event stream (`event:` + `data:` lines, pings). Errors are `{type: "error", error: {type, message}, request_id}`. Server tools, documents, citations, MCP servers and containers are refused with a 400.', body: json(CreateMessageRequest), returns: 'Message (or a stream of message events)', ok: { ...jsonOf('AnthropicMessage'), ...sse('AnthropicStreamEvent') }, example: { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hello!' }] } },
  { method: 'post', path: '/v1/messages/count_tokens', tag: 'Anthropic', summary: 'Count the input tokens of a Messages request', description: 'The proxy\'s own estimate (~4 characters per token, tools included), as used for context-window checks.', body: json(CountTokensRequest), returns: '{input_tokens}', ok: jsonOf('AnthropicTokensCount'), example: { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello!' }] } },
  { method: 'get', path: '/v1/responses/{response_id}', tag: 'Responses', summary: 'Retrieve a stored response (RESPONSES_STORE, or the emulator\'s memory)', returns: 'Response (404 response_not_found when unknown, expired, another key\'s, or nothing is stored)', ok: jsonOf('Response') },
  { method: 'delete', path: '/v1/responses/{response_id}', tag: 'Responses', summary: 'Delete a stored response', returns: '{id, object: "response", deleted: true} (404 response_not_found when unknown)', ok: jsonOf('ResponseDeleted') },
  { method: 'post', path: '/v1/completions', tag: 'Chat', summary: 'Create a legacy text completion', description: 'Each prompt runs as one user message through the chat pipeline; stream or not.', body: json(CompletionRequest), returns: 'CreateCompletionResponse (or a stream of them)', ok: { ...jsonOf('TextCompletion'), ...sse('TextCompletion') }, example: { model: M, prompt: 'Once upon a time', max_tokens: 32 } },
  { method: 'post', path: '/v1/embeddings', tag: 'Embeddings', summary: 'Create embeddings', body: json(EmbeddingRequest), returns: 'CreateEmbeddingResponse', ok: jsonOf('Embeddings'), example: { model: '@cf/baai/bge-base-en-v1.5', input: ['first text', 'second text'] } },
  { method: 'post', path: '/v1/moderations', tag: 'Moderations', summary: 'Classify text with Llama Guard', body: json(ModerationRequest), returns: 'CreateModerationResponse', ok: jsonOf('Moderation'), example: { input: 'I want to hurt someone.' } },
  { method: 'post', path: '/v1/images/generations', tag: 'Images', summary: 'Generate images', body: json(ImageGenerationRequest), returns: 'ImagesResponse', ok: jsonOf('Images'), example: { model: '@cf/black-forest-labs/flux-1-schnell', prompt: 'a lighthouse at dusk', response_format: 'b64_json' } },
  { method: 'post', path: '/v1/images/edits', tag: 'Images', summary: 'Edit an image (img2img, inpainting, FLUX.2 references)', body: form(ImageEditFields, ['image', 'image[]', 'mask']), returns: 'ImagesResponse', ok: jsonOf('Images'), example: { prompt: 'a red door', response_format: 'b64_json' } },
  { method: 'get', path: '/v1/images/files/{file}', tag: 'Images', summary: 'A stored image (R2)', description: 'Public: the unguessable id is the credential, so <img src> works. Expires after IMAGE_URL_TTL_SECONDS.', returns: 'image/png or image/jpeg bytes', ok: { 'image/png': { schema: 'binary' }, 'image/jpeg': { schema: 'binary' } }, public: true },
  { method: 'post', path: '/v1/audio/transcriptions', tag: 'Audio', summary: 'Transcribe audio', body: form(TranscriptionForm, ['file']), returns: 'CreateTranscriptionResponseJson / VerboseJson, or text, srt, vtt', ok: { ...jsonOf('Transcription'), 'text/plain': { schema: 'text' } }, example: { model: 'whisper-1', response_format: 'json' } },
  { method: 'post', path: '/v1/audio/translations', tag: 'Audio', summary: 'Translate audio to English', body: form(TranslationForm, ['file']), returns: 'CreateTranslationResponseJson / VerboseJson, or text, srt, vtt', ok: { ...jsonOf('Transcription'), 'text/plain': { schema: 'text' } }, example: { model: 'whisper-1', response_format: 'json' } },
  { method: 'post', path: '/v1/audio/speech', tag: 'Audio', summary: 'Text to speech', body: json(SpeechRequest), returns: 'audio bytes (audio/mpeg, audio/wav, ...)', ok: { 'audio/mpeg': { schema: 'binary' }, 'audio/wav': { schema: 'binary' } }, example: { model: '@cf/deepgram/aura-2-en', input: 'Hello!', voice: 'nova', response_format: 'wav' } },
  { method: 'post', path: '/v1/rag/documents', tag: 'RAG', summary: 'Add or replace documents', description: 'Chunks each text, embeds the chunks with RAG_EMBEDDING_MODEL, stores vectors in Vectorize (VECTORIZE) and texts in D1 (RAG_DB). Re-sending a document id replaces its chunks. 501 rag_not_configured without the bindings.', body: json(RagDocumentsRequest), returns: '{object: "list", data: [{id, object: "rag.document", chunks}], model, usage}', ok: jsonOf('RagDocuments'), example: { documents: [{ id: 'lighthouse', text: 'A lighthouse guides ships at night.', metadata: { topic: 'sea' } }] } },
  { method: 'post', path: '/v1/rag/documents/delete', tag: 'RAG', summary: 'Delete documents by id', body: json(RagDeleteRequest), returns: '{object: "list", data: [{id, object: "rag.document.deleted", deleted, chunks}]}', ok: jsonOf('RagDeletedList'), example: { ids: ['lighthouse'] } },
  { method: 'delete', path: '/v1/rag/documents/{id}', tag: 'RAG', summary: 'Delete one document', description: 'The id is the rest of the path, percent-decoded, so it may contain slashes. 404 document_not_found when nothing is stored under it.', returns: '{id, object: "rag.document.deleted", deleted: true, chunks}', ok: jsonOf('RagDeleted') },
  { method: 'post', path: '/v1/rag/search', tag: 'RAG', summary: 'Search the documents', description: 'Top-k chunks by cosine similarity, with an optional Vectorize metadata filter and minimum score.', body: json(RagSearchRequest), returns: '{object: "list", data: [{id, document_id, chunk, score, text, metadata}], model, usage}', ok: jsonOf('RagSearch'), example: { query: 'what guides ships?', top_k: 3 } },
  { method: 'post', path: '/v1/rag/chat', tag: 'RAG', summary: 'Chat over the documents', description: 'An OpenAI chat request (model optional: RAG_CHAT_MODEL) plus `rag: {top_k, filter, min_score}`. The passages found for the last user message go in a system message asking for [n] citations. The sources come back as `sources` (non-stream), in the first chunk (stream) and in the x-rag-sources header.', body: json(RagChatRequest), returns: 'CreateChatCompletionResponse + sources (or a stream of CreateChatCompletionStreamResponse)', ok: { ...jsonOf('RagChatCompletion'), ...sse('ChatCompletionChunk') }, example: { messages: [{ role: 'user', content: 'What guides ships at night?' }], rag: { top_k: 3 } } },
  { method: 'get', path: '/api/version', tag: 'Ollama', summary: 'Ollama version', returns: '{version}', ok: jsonOf('OllamaVersion') },
  { method: 'get', path: '/api/tags', tag: 'Ollama', summary: 'Ollama model list', returns: '{models: [...]}', ok: jsonOf('OllamaTags') },
  { method: 'get', path: '/api/ps', tag: 'Ollama', summary: 'Loaded models (always none)', returns: '{models: []}', ok: jsonOf('OllamaPs') },
  { method: 'post', path: '/api/show', tag: 'Ollama', summary: 'Ollama model details', body: json(OllamaShowRequest), returns: 'Ollama show response', ok: jsonOf('OllamaShow'), example: { model: `${M}:latest` } },
  { method: 'post', path: '/api/chat', tag: 'Ollama', summary: 'Ollama chat (NDJSON stream by default)', body: json(OllamaChatRequest), returns: 'NDJSON lines, the last with done: true', ok: { ...ndjson('OllamaChat'), ...jsonOf('OllamaChat') }, example: { model: M, messages: [{ role: 'user', content: 'Hello!' }], stream: false } },
  { method: 'post', path: '/api/generate', tag: 'Ollama', summary: 'Ollama generate (NDJSON stream by default)', body: json(OllamaGenerateRequest), returns: 'NDJSON lines, the last with done: true', ok: { ...ndjson('OllamaGenerate'), ...jsonOf('OllamaGenerate') }, example: { model: M, prompt: 'Why is the sky blue?', stream: false } },
  { method: 'post', path: '/api/embed', tag: 'Ollama', summary: 'Ollama embeddings', body: json(OllamaEmbedRequest), returns: '{model, embeddings}', ok: jsonOf('OllamaEmbed'), example: { model: '@cf/baai/bge-base-en-v1.5', input: ['first text'] } },
  { method: 'post', path: '/api/embeddings', tag: 'Ollama', summary: 'Ollama embeddings (older API)', body: json(OllamaEmbeddingsRequest), returns: '{embedding}', ok: jsonOf('OllamaEmbeddings'), example: { model: '@cf/baai/bge-base-en-v1.5', prompt: 'first text' } },
  { method: 'get', path: '/health', tag: 'Service', summary: 'Liveness', returns: '{status, transport}', ok: jsonOf('Health'), public: true },
  { method: 'get', path: '/', tag: 'Service', summary: 'Playground page', returns: 'text/html', ok: html, public: true },
  { method: 'get', path: '/docs', tag: 'Service', summary: 'This reference, as a page', returns: 'text/html', ok: html, public: true },
  { method: 'get', path: '/openapi.json', tag: 'Service', summary: 'This reference, as OpenAPI 3.1', returns: 'application/json', ok: { 'application/json': { schema: 'text' } }, public: true },
];
