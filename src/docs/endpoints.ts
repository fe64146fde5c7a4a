import type * as z from 'zod/mini';
import { SpeechRequest, TranscriptionForm, TranslationForm } from '../schemas/audio';
import { ChatCompletionRequest } from '../schemas/chat';
import { CompletionRequest } from '../schemas/completions';
import { EmbeddingRequest } from '../schemas/embeddings';
import { ImageEditFields, ImageGenerationRequest } from '../schemas/images';
import { ModerationRequest } from '../schemas/moderations';
import { CreateResponseRequest } from '../schemas/responses';
import {
  OllamaChatRequest,
  OllamaEmbedRequest,
  OllamaEmbeddingsRequest,
  OllamaGenerateRequest,
  OllamaShowRequest,
} from '../schemas/ollama';

export interface EndpointDoc {
  method: 'get' | 'post' | 'delete';
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** The request body: the route's own Zod schema, so the reference cannot drift from validation. */
  body?: { schema: z.ZodMiniType; type: 'application/json' | 'multipart/form-data'; files?: string[] };
  /** What a success looks like. */
  returns: string;
  public?: boolean;
}

const json = (schema: z.ZodMiniType) => ({ schema, type: 'application/json' as const });
const form = (schema: z.ZodMiniType, files: string[]) => ({ schema, type: 'multipart/form-data' as const, files });

/** Every route of the Worker. test/docs.test.ts checks this list against the router. */
export const ENDPOINTS: EndpointDoc[] = [
  { method: 'get', path: '/v1/models', tag: 'Models', summary: 'List models', description: 'The live Workers AI catalog, filtered to models an endpoint here can serve. `?protocol=` narrows it (openai-chat, openai-embeddings, openai-images, openai-image-edits, openai-audio, openai-transcriptions, openai-translations, openai-speech, openai-moderations).', returns: 'ListModelsResponse' },
  { method: 'get', path: '/v1/models/{model}', tag: 'Models', summary: 'Retrieve a model', description: 'Ids contain slashes: /v1/models/@cf/meta/llama-3.1-8b-instruct. Aliases (gpt-4o-mini) answer under their own name.', returns: 'Model' },
  { method: 'post', path: '/v1/chat/completions', tag: 'Chat', summary: 'Create a chat completion', description: 'Non-stream or SSE stream (`stream: true`), as OpenAI.', body: json(ChatCompletionRequest), returns: 'CreateChatCompletionResponse (or a stream of CreateChatCompletionStreamResponse)' },
  { method: 'post', path: '/v1/responses', tag: 'Responses', summary: 'Create a response (Responses API)', description: 'Over any chat model, through the same engine as chat completions. `stream: true` sends the Responses event stream (`event:` + `data:` lines, no [DONE]). Nothing is stored: previous_response_id and item references are refused.', body: json(CreateResponseRequest), returns: 'Response (or a stream of ResponseStreamEvent)' },
  { method: 'get', path: '/v1/responses/{response_id}', tag: 'Responses', summary: 'Retrieve a response (always 404: nothing is stored)', returns: 'never: 404 response_not_found' },
  { method: 'delete', path: '/v1/responses/{response_id}', tag: 'Responses', summary: 'Delete a response (always 404: nothing is stored)', returns: 'never: 404 response_not_found' },
  { method: 'post', path: '/v1/completions', tag: 'Chat', summary: 'Create a legacy text completion', description: 'Each prompt runs as one user message through the chat pipeline; stream or not.', body: json(CompletionRequest), returns: 'CreateCompletionResponse (or a stream of them)' },
  { method: 'post', path: '/v1/embeddings', tag: 'Embeddings', summary: 'Create embeddings', body: json(EmbeddingRequest), returns: 'CreateEmbeddingResponse' },
  { method: 'post', path: '/v1/moderations', tag: 'Moderations', summary: 'Classify text with Llama Guard', body: json(ModerationRequest), returns: 'CreateModerationResponse' },
  { method: 'post', path: '/v1/images/generations', tag: 'Images', summary: 'Generate images', body: json(ImageGenerationRequest), returns: 'ImagesResponse' },
  { method: 'post', path: '/v1/images/edits', tag: 'Images', summary: 'Edit an image (img2img, inpainting, FLUX.2 references)', body: form(ImageEditFields, ['image', 'image[]', 'mask']), returns: 'ImagesResponse' },
  { method: 'get', path: '/v1/images/files/{file}', tag: 'Images', summary: 'A stored image (R2)', description: 'Public: the unguessable id is the credential, so <img src> works. Expires after IMAGE_URL_TTL_SECONDS.', returns: 'image/png or image/jpeg bytes', public: true },
  { method: 'post', path: '/v1/audio/transcriptions', tag: 'Audio', summary: 'Transcribe audio', body: form(TranscriptionForm, ['file']), returns: 'CreateTranscriptionResponseJson / VerboseJson, or text, srt, vtt' },
  { method: 'post', path: '/v1/audio/translations', tag: 'Audio', summary: 'Translate audio to English', body: form(TranslationForm, ['file']), returns: 'CreateTranslationResponseJson / VerboseJson, or text, srt, vtt' },
  { method: 'post', path: '/v1/audio/speech', tag: 'Audio', summary: 'Text to speech', body: json(SpeechRequest), returns: 'audio bytes (audio/mpeg, audio/wav, ...)' },
  { method: 'get', path: '/api/version', tag: 'Ollama', summary: 'Ollama version', returns: '{version}' },
  { method: 'get', path: '/api/tags', tag: 'Ollama', summary: 'Ollama model list', returns: '{models: [...]}' },
  { method: 'get', path: '/api/ps', tag: 'Ollama', summary: 'Loaded models (always none)', returns: '{models: []}' },
  { method: 'post', path: '/api/show', tag: 'Ollama', summary: 'Ollama model details', body: json(OllamaShowRequest), returns: 'Ollama show response' },
  { method: 'post', path: '/api/chat', tag: 'Ollama', summary: 'Ollama chat (NDJSON stream by default)', body: json(OllamaChatRequest), returns: 'NDJSON lines, the last with done: true' },
  { method: 'post', path: '/api/generate', tag: 'Ollama', summary: 'Ollama generate (NDJSON stream by default)', body: json(OllamaGenerateRequest), returns: 'NDJSON lines, the last with done: true' },
  { method: 'post', path: '/api/embed', tag: 'Ollama', summary: 'Ollama embeddings', body: json(OllamaEmbedRequest), returns: '{model, embeddings}' },
  { method: 'post', path: '/api/embeddings', tag: 'Ollama', summary: 'Ollama embeddings (older API)', body: json(OllamaEmbeddingsRequest), returns: '{embedding}' },
  { method: 'get', path: '/health', tag: 'Service', summary: 'Liveness', returns: '{status, transport}', public: true },
  { method: 'get', path: '/', tag: 'Service', summary: 'Playground page', returns: 'text/html', public: true },
  { method: 'get', path: '/docs', tag: 'Service', summary: 'This reference, as a page', returns: 'text/html', public: true },
  { method: 'get', path: '/openapi.json', tag: 'Service', summary: 'This reference, as OpenAPI 3.1', returns: 'application/json', public: true },
];
