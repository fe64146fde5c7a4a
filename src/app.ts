import { Hono } from 'hono';
import { auth } from './middleware/auth';
import { bodyLimit } from './middleware/body-limit';
import { cors } from './middleware/cors';
import { notFound, onError } from './middleware/errors';
import { requestContext } from './middleware/request-context';
import { chat } from './routes/chat';
import { completions } from './routes/completions';
import { health } from './routes/health';
import { models } from './routes/models';
import type { AppEnv } from './types';

/** The OpenAI surface; mounted at /v1 and at the root, since some clients drop the /v1. */
const openai = new Hono<AppEnv>().route('/', models).route('/', chat).route('/', completions);

export const app = new Hono<AppEnv>()
  .use(requestContext)
  .use(cors)
  .route('/', health)
  .use(auth)
  .use(bodyLimit)
  .route('/v1', openai)
  .route('/', openai);

app.onError(onError);
app.notFound(notFound);
