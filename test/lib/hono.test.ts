import { Hono as FullHono } from 'hono';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { describe, expect, it } from 'vitest';
import { app } from '../../src/app';
import { Hono } from '../../src/lib/hono';

/** The same routes on both classes: what this app uses (mounts, params, regex params, wildcards, methods, order). */
function build<T extends { get: any; post: any; delete: any; use: any; route: any }>(make: () => T): T {
  const sub = make()
    .get('/models', (c: any) => c.text('list'))
    .get('/models/:model{.+}', (c: any) => c.text(`model ${c.req.param('model')}`))
    .post('/chat/completions', (c: any) => c.text('chat'))
    .delete('/responses/:id', (c: any) => c.text(`deleted ${c.req.param('id')}`));
  return make()
    .use('/api/*', async (c: any, next: any) => {
      await next();
      c.res.headers.set('x-api', '1');
    })
    .get('/', (c: any) => c.text('home'))
    .route('/v1', sub)
    .route('/', sub)
    .post('/api/chat', (c: any) => c.text('ollama'))
    .get('/api/*', (c: any) => c.text('api fallback'));
}

const requests: [string, string][] = [
  ['GET', '/'],
  ['GET', '/v1/models'],
  ['GET', '/models'],
  ['GET', '/v1/models/@cf/meta/llama-3.1-8b-instruct-fast'],
  ['POST', '/v1/chat/completions'],
  ['GET', '/v1/chat/completions'],
  ['POST', '/chat/completions'],
  ['DELETE', '/v1/responses/resp_1'],
  ['POST', '/api/chat'],
  ['GET', '/api/tags'],
  ['HEAD', '/v1/models'],
  ['GET', '/nowhere'],
];

const answer = async (res: Response) => [res.status, await res.text(), res.headers.get('x-api')];

describe('lib/hono', () => {
  it('routes exactly as hono\'s default class', async () => {
    const ours = build(() => new Hono());
    const theirs = build(() => new FullHono());
    for (const [method, path] of requests) {
      const request = () => new Request(`http://x.test${path}`, { method });
      expect(await answer(await ours.fetch(request())), `${method} ${path}`).toEqual(await answer(await theirs.fetch(request())));
    }
  });

  it('uses RegExpRouter alone, and the app\'s every route compiles in it', () => {
    expect(new Hono().router).toBeInstanceOf(RegExpRouter);
    expect(app.router).toBeInstanceOf(RegExpRouter);
    // RegExpRouter compiles on the first match and throws for a path it cannot take.
    expect(() => app.router.match('GET', '/v1/models')).not.toThrow();
  });
});
