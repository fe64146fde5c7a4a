import { Hono } from 'hono';
import { auth } from './middleware/auth';
import { bodyLimit } from './middleware/body-limit';
import { cors } from './middleware/cors';
import { notFound, onError } from './middleware/errors';
import { requestContext } from './middleware/request-context';
import { chat } from './routes/chat';
import { health } from './routes/health';
import { imageFiles } from './routes/image-files';
import { images } from './routes/images';
import { models } from './routes/models';
import type { AppEnv } from './types';

/** The OpenAI surface; mounted at /v1 and at the root, since some clients drop the /v1. */
const openai = new Hono<AppEnv>().route('/', models).route('/', chat).route('/', images);

export const app = new Hono<AppEnv>()
  .use(requestContext)
  .use(cors)
  .route('/', health)
  // Before auth: stored image URLs are capabilities that an <img src> can load (see routes/image-files.ts).
  .route('/v1', imageFiles)
  .use(auth)
  .use(bodyLimit)
  .route('/v1', openai)
  .route('/', openai);

app.onError(onError);
app.notFound(notFound);
