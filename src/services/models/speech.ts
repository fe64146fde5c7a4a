/**
 * Speech recognition models the file endpoints (/v1/audio/transcriptions, /translations) cannot
 * use: streaming-only models that take audio over a WebSocket, not in the request.
 */
import type { Protocol, SchemaSource } from './protocols';
import type { CatalogModel, ModelSchema } from '../upstream';

/**
 * Known streaming-only ids, for when no schema is readable (the binding has no schema call):
 * Deepgram Flux and NVIDIA's nemotron-speech-streaming take a WebSocket audio stream.
 */
const STREAMING_ONLY = /\/deepgram\/flux$|nemotron-speech-streaming/;

const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

/** The schema says streaming-only: its input has no `audio` (only stream settings), or its output is "websocket messages". */
export function streamingOnlyBySchema(schema: ModelSchema): boolean {
  const input = obj(schema.input);
  const variants = [input, ...(Array.isArray(input.oneOf) ? input.oneOf.map(obj) : [])];
  // A schema that lists no input fields cannot rule file input out.
  const silent = variants.every((v) => Object.keys(obj(v.properties)).length === 0);
  const takesAudio = silent || variants.some((v) => v.type === 'string' || 'audio' in obj(v.properties));
  const output = obj(schema.output);
  return !takesAudio || /websocket/i.test(String(output.description ?? ''));
}

async function streamingOnly(model: CatalogModel, catalog: SchemaSource): Promise<boolean> {
  const schema = await catalog.schema(model.name);
  return schema ? streamingOnlyBySchema(schema) : STREAMING_ONLY.test(model.name);
}

const FILE_PROTOCOLS: readonly Protocol[] = ['openai-audio', 'openai-transcriptions', 'openai-translations'];

/** The catalog's hook for Automatic Speech Recognition models (see TASK_CLASSIFIERS in ../catalog). */
export const speechClassifier = {
  async protocols(model: CatalogModel, catalog: SchemaSource): Promise<readonly Protocol[]> {
    return (await streamingOnly(model, catalog)) ? [] : FILE_PROTOCOLS;
  },
  async unsupported(model: CatalogModel, protocol: Protocol, requested: string, catalog: SchemaSource): Promise<string | undefined> {
    if (!(await streamingOnly(model, catalog))) return undefined;
    return `The model \`${requested}\` is a streaming speech model (audio over a WebSocket), so it cannot be used with ${protocol === 'openai-translations' ? '/v1/audio/translations' : '/v1/audio/transcriptions'}; use whisper-1 (@cf/openai/whisper-large-v3-turbo) or @cf/deepgram/nova-3.`;
  },
};
