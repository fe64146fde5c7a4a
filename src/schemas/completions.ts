import * as z from 'zod/mini';
import { int, looseObject, numberIn, optionalNullable, recordOf, StopSequences } from './common';

/** POST /v1/completions (legacy). Token-id prompts are recognised so the error can say they are unsupported. */
export const CompletionRequest = looseObject({
  model: z.string().check(z.minLength(1)),
  prompt: z.union([
    z.string(),
    z.array(z.string()).check(z.minLength(1)),
    z.array(int()).check(z.minLength(1)),
    z.array(z.array(int())).check(z.minLength(1)),
  ]),
  suffix: optionalNullable(z.string()),
  echo: optionalNullable(z.boolean()),
  best_of: optionalNullable(int().check(z.gte(0), z.lte(20))),
  logprobs: optionalNullable(int().check(z.gte(0), z.lte(5))),
  logit_bias: optionalNullable(recordOf(z.number())),
  max_tokens: optionalNullable(int().check(z.gte(1))),
  n: optionalNullable(int().check(z.gte(1), z.lte(8))),
  stream: optionalNullable(z.boolean()),
  stream_options: optionalNullable(looseObject({ include_usage: optionalNullable(z.boolean()) })),
  stop: optionalNullable(StopSequences),
  temperature: optionalNullable(numberIn(0, 2)),
  top_p: optionalNullable(numberIn(0, 1)),
  seed: optionalNullable(int()),
  frequency_penalty: optionalNullable(numberIn(-2, 2)),
  presence_penalty: optionalNullable(numberIn(-2, 2)),
  user: z.optional(z.string()),
});

export type CompletionRequest = z.infer<typeof CompletionRequest>;
