/**
 * Hono with only its RegExpRouter. `hono`'s default class carries SmartRouter, which tries
 * RegExpRouter and falls back to TrieRouter for the paths RegExpRouter cannot compile; every
 * route of this app compiles, so SmartRouter always settled on RegExpRouter and the rest was
 * dead weight (about 1 KiB gzip: docs/benchmarks.md). Routing is the same, as fast (one
 * compiled expression per method), and a path RegExpRouter cannot take fails loudly at the first
 * request (`UnsupportedPathError`) instead of silently taking a slower router: the tests see it.
 * (`hono/tiny`'s PatternRouter is smaller still but tries each route's expression in turn:
 * about 6 µs per request for this app's 150 routes against 0.1 µs.)
 */
import { HonoBase, type HonoOptions } from 'hono/hono-base';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import type { BlankEnv, BlankSchema, Env, Schema } from 'hono/types';

export class Hono<E extends Env = BlankEnv, S extends Schema = BlankSchema, BasePath extends string = '/'> extends HonoBase<E, S, BasePath> {
  constructor(options: HonoOptions<E> = {}) {
    super(options);
    this.router = new RegExpRouter();
  }
}
