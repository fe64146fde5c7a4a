import { invalidValue, modelNotSupported, unexpectedOutput, unsupportedParameter } from '../../errors';
import type { SpeechFormat, SpeechRequest } from '../../schemas/audio';
import { fromBase64 } from './files';
import type { ResolvedModel } from '../models/catalog';
import type { Services } from '../index';
import { upstreamCall } from '../upstream/errors';
import { charge, costFor } from '../billing';

export interface SpeechResult {
  /** The upstream's byte stream as it arrives, or the decoded bytes of a JSON answer. */
  body: ReadableStream<Uint8Array> | Uint8Array;
  contentType: string;
}

export const OPENAI_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;

/**
 * Deepgram Aura speakers (from the workers-types input enums), and the one each OpenAI voice
 * maps to, in OPENAI_VOICES order: same gender, similar tone (fable / ballad: British or warm male).
 */
const AURA: Readonly<Record<string, { speakers: string; openai: string }>> = {
  'aura-1': {
    speakers: 'angus asteria arcas orion orpheus athena luna zeus perseus helios hera stella',
    openai: 'asteria arcas orpheus hera orion helios zeus luna athena stella perseus asteria angus',
  },
  'aura-2-en': {
    speakers:
      'amalthea andromeda apollo arcas aries asteria athena atlas aurora callista cora cordelia delia draco electra harmonia helena hera hermes hyperion iris janus juno jupiter luna mars minerva neptune odysseus ophelia orion orpheus pandora phoebe pluto saturn thalia theia vesta zeus',
    openai: 'thalia apollo orpheus cora orion draco zeus luna athena aurora arcas helena atlas',
  },
  'aura-2-es': {
    speakers: 'sirio nestor carina celeste alvaro diana aquila selena estrella javier',
    openai: 'celeste alvaro nestor carina sirio aquila javier estrella diana selena sirio carina nestor',
  },
};

/** Aura's `encoding` / `container` for each OpenAI format; pcm is OpenAI's 24 kHz 16-bit mono. */
const AURA_OUTPUT: Readonly<Record<SpeechFormat, Record<string, string | number>>> = {
  mp3: { encoding: 'mp3' },
  opus: { encoding: 'opus', container: 'ogg' },
  aac: { encoding: 'aac' },
  flac: { encoding: 'flac' },
  wav: { encoding: 'linear16', container: 'wav', sample_rate: 24000 },
  pcm: { encoding: 'linear16', container: 'none', sample_rate: 24000 },
};

const CONTENT_TYPE: Readonly<Record<SpeechFormat, string>> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg; codecs=opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

type TtsModel =
  | { family: 'melotts'; model: ResolvedModel; formats: readonly SpeechFormat[] }
  | { family: 'aura'; model: ResolvedModel; formats: readonly SpeechFormat[]; voices?: { speakers: string[]; openai: string[] } };

function ttsModel(model: ResolvedModel): TtsModel {
  if (model.id.endsWith('/melotts')) return { family: 'melotts', model, formats: ['mp3'] };
  const aura = /^@cf\/deepgram\/(aura-[\w-]+)$/.exec(model.id)?.[1];
  if (aura) {
    const table = AURA[aura];
    const voices = table && { speakers: table.speakers.split(' '), openai: table.openai.split(' ') };
    return { family: 'aura', model, formats: Object.keys(AURA_OUTPUT) as SpeechFormat[], voices };
  }
  throw modelNotSupported(`The model \`${model.requested}\` is a text-to-speech model this proxy cannot drive; use @cf/myshell-ai/melotts (tts-1) or a @cf/deepgram/aura model.`);
}

/** The model's speaker for a voice: an OpenAI voice mapped, or the model's own speaker name as is. */
function speakerFor(tts: TtsModel, requested: string): string | undefined {
  const voice = requested.trim().toLowerCase();
  const openai = (OPENAI_VOICES as readonly string[]).indexOf(voice);
  if (tts.family === 'melotts') {
    // MeloTTS has a single speaker per language: every OpenAI voice is it.
    if (openai !== -1) return undefined;
    throw invalidValue('voice', `Unknown voice "${requested}". ${tts.model.requested} has one voice; send any of ${OPENAI_VOICES.join(', ')}.`);
  }
  if (!tts.voices) return openai === -1 ? voice : undefined; // an Aura model without a known list: its default, or the name as given
  if (openai !== -1) return tts.voices.openai[openai];
  if (tts.voices.speakers.includes(voice)) return voice;
  throw invalidValue('voice', `Unknown voice "${requested}" for ${tts.model.requested}. Send an OpenAI voice (${OPENAI_VOICES.join(', ')}) or one of its speakers (${tts.voices.speakers.join(', ')}).`);
}

function audioBytes(out: unknown, model: string): ReadableStream<Uint8Array> | Uint8Array {
  if (out instanceof ReadableStream) return out as ReadableStream<Uint8Array>;
  if (out instanceof Uint8Array) return out;
  if (out instanceof ArrayBuffer) return new Uint8Array(out);
  // melotts answers {audio: base64 MP3}; a string is base64 audio too.
  const b64 = typeof out === 'string' ? out : typeof out === 'object' && out !== null && typeof (out as { audio?: unknown }).audio === 'string' ? (out as { audio: string }).audio : undefined;
  if (b64 !== undefined) {
    try {
      return fromBase64(b64);
    } catch {
      /* not base64: reported below */
    }
  }
  throw unexpectedOutput(model);
}

export async function createSpeech(services: Services, req: SpeechRequest, signal?: AbortSignal): Promise<SpeechResult> {
  if (req.instructions?.trim()) throw unsupportedParameter('instructions', '`instructions` is not supported: Workers AI speech models take no style instructions.');
  if (req.stream_format === 'sse') throw unsupportedParameter('stream_format', 'stream_format "sse" is not supported; the audio is streamed as raw bytes (stream_format "audio").');

  const tts = ttsModel(await services.catalog.resolve(req.model, 'openai-speech'));
  const name = tts.model.requested;
  const format = req.response_format ?? 'mp3';
  if (!tts.formats.includes(format)) {
    throw unsupportedParameter('response_format', `${name} can only produce ${tts.formats.join(', ')}; response_format "${format}" is not available for it.`);
  }
  if (req.speed !== undefined && req.speed !== 1) {
    throw unsupportedParameter('speed', `\`speed\` is not supported by ${name}: it always speaks at 1.0. Send 1.0 or leave it out.`);
  }
  if (req.language && tts.family !== 'melotts') {
    throw unsupportedParameter('language', `\`language\` applies to @cf/myshell-ai/melotts only; ${name} speaks the language it is made for.`);
  }
  const speaker = speakerFor(tts, typeof req.voice === 'string' ? req.voice : req.voice.id);
  const inputs =
    tts.family === 'melotts'
      ? { prompt: req.input, ...(req.language && { lang: req.language.toLowerCase() }) }
      : { text: req.input, ...(speaker && { speaker }), ...AURA_OUTPUT[format] };
  const out = await upstreamCall(tts.model.id, () => services.upstream.run(tts.model.id, inputs, { signal }));
  const body = audioBytes(out, tts.model.id);
  // Speech models are priced per 1,000 characters of input (the answer is audio: the cost goes to the meter and header).
  charge(services, tts.model.id, costFor(tts.model.entry, { characters: req.input.length }));
  return { body, contentType: CONTENT_TYPE[format] };
}
