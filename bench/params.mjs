/** The bench's sizes and models, shared by bench/run.mjs and bench/ab.mjs. */

/** Sizes every case; handed to both Workers as the `BENCH` binding (see BenchParams). */
export const PARAMS = {
  models: {
    chat: '@cf/meta/llama-3.1-8b-instruct-fast',
    slowChat: '@cf/meta/llama-3.2-1b-instruct',
    tools: '@cf/qwen/qwen3-30b-a3b-fp8',
    reasoning: '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b',
    embeddings: '@cf/baai/bge-large-en-v1.5',
    sdxl: '@cf/stabilityai/stable-diffusion-xl-base-1.0',
    flux: '@cf/black-forest-labs/flux-1-schnell',
  },
  streamEvents: 1000,
  slowEvents: 20,
  slowIntervalMs: 50,
  embeddingRows: 100,
  embeddingDims: 1024,
  imageBytes: 1024 * 1024,
};
