/** RAG fixtures: the real local D1 from the pool (RAG_DB), a fake Vectorize, and the emulator as a well-behaved Workers AI. */
import { env as pool } from 'cloudflare:test';
import type { Env } from '../../src/env';
import { createEmulator } from '../../src/dev/emulator';
import { fakeAI, type FakeAI } from './fake-ai';
import { bindingEnv } from './http';
import { CATALOG_WITH_MORE } from './more-models';
import { asBinding, FakeVectorize } from './vectorize';

export { FakeVectorize };

export const RAG_DB = (pool as unknown as { RAG_DB: D1Database }).RAG_DB;

const emulator = createEmulator();

/** A fake binding that answers like the emulator (word-based embeddings, chat that quotes the user), recording calls. */
export const emulatorAI = (override?: (model: string, inputs: Record<string, any>) => unknown) =>
  fakeAI((model, inputs) => override?.(model, inputs) ?? emulator.run(model, inputs), CATALOG_WITH_MORE);

/**
 * A binding-transport env with VECTORIZE (a fresh fake) and RAG_DB (the pool's D1, shared by
 * every test: tests use unique document ids, see uid()).
 */
export function ragEnv(opts: { vectorize?: FakeVectorize; ai?: FakeAI; extra?: Partial<Env> } = {}) {
  const vectorize = opts.vectorize ?? new FakeVectorize(768);
  const ai = opts.ai ?? emulatorAI();
  const env = bindingEnv(ai, { VECTORIZE: asBinding(vectorize), RAG_DB, ...opts.extra });
  return { env, ai, vectorize };
}

/** A short unique prefix for document ids, so tests sharing the D1 database never meet. */
export const uid = () => crypto.randomUUID().slice(0, 8);

export const LIGHTHOUSE = 'A lighthouse is a tower with a bright lamp at the top. Lighthouses guide ships at night and warn them of rocks near the coast.';
export const BREAD = 'To bake bread, mix flour, water, yeast and salt. Knead the dough, let it rise for an hour, then bake it in a hot oven.';
export const VOLCANO = 'A volcano is an opening in the crust of a planet where molten rock, ash and gases escape. Eruptions can be explosive.';
