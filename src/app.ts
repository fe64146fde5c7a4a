import { Hono } from './lib/hono';
import { anthropicErrors } from './middleware/anthropic-errors';
import { auth } from './middleware/auth';
import { bodyLimit } from './middleware/body-limit';
import { cors } from './middleware/cors';
import { deprecation } from './middleware/deprecation';
import { notFound, onError } from './middleware/errors';
import { ollamaErrors } from './middleware/ollama-errors';
import { rateLimit } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import { responseCache } from './middleware/response-cache';
import { admin } from './routes/admin';
import { audio } from './routes/audio';
import { chat } from './routes/chat';
import { completions } from './routes/completions';
import { embeddings } from './routes/embeddings';
import { health } from './routes/health';
import { imageFiles } from './routes/image-files';
import { images } from './routes/images';
import { messages } from './routes/messages';
import { models } from './routes/models';
import { moderations } from './routes/moderations';
import { ollama } from './routes/ollama';
import { pages } from './routes/pages';
import { responses } from './routes/responses';
import { rag } from './routes/rag';
import type { AppEnv } from './types';

/** The OpenAI surface; mounted at /v1 and at the root, since some clients drop the /v1. */
const openai = new Hono<AppEnv>()
  .route('/', models)
  .route('/', chat)
  .route('/', completions)
  .route('/', embeddings)
  .route('/', moderations)
  .route('/', images)
  .route('/', audio)
  .route('/', rag)
  .route('/', responses)
  .route('/', messages);

export const app = new Hono<AppEnv>()
  // Outermost, so they reshape every error, those of requestContext included (a deployment with
  // no transport fails there, before any route): Ollama clients expect {error: string} under /api/,
  // Anthropic clients {type: "error", error: {type, message}} (/v1/messages*, anthropic-version requests).
  .use('/api/*', ollamaErrors)
  .use(anthropicErrors)
  .use(requestContext)
  .use(cors)
  .route('/', health)
  .route('/', pages)
  // Its own key (ADMIN_API_KEY), so before the client-key auth.
  .route('/admin', admin)
  // Before auth: stored image URLs are capabilities that an <img src> can load (see routes/image-files.ts).
  .route('/v1', imageFiles)
  .use(auth)
  .use(rateLimit)
  .use(bodyLimit)
  .use(deprecation)
  .use(responseCache)
  .route('/v1', openai)
  .route('/', openai)
  // The Ollama API lives at the root only (/api/...), where Ollama clients look for it.
  .route('/', ollama);

app.onError(onError);
app.notFound(notFound);
