import { unsupportedParameter } from '../../errors';
import { UNSUPPORTED_TRANSCRIPTION_FIELDS, type TranscriptionForm, type TranslationForm } from '../../schemas/audio';
import type { Services } from '../index';
import { asrModel, checkOptions, readUpload } from './input';
import { languageName, render, runAsr, type AudioTextResult, type Transcript } from './transcript';
import { toEnglish } from './translation';

export type { AudioTextResult } from './transcript';

export async function createTranscription(services: Services, form: TranscriptionForm, file: File, signal?: AbortSignal): Promise<AudioTextResult> {
  for (const field of UNSUPPORTED_TRANSCRIPTION_FIELDS) {
    if (form[field] !== undefined) throw unsupportedParameter(field, `\`${field}\` is not supported by this proxy (it belongs to OpenAI's gpt-4o transcription models).`);
  }
  if (form.stream === 'true') throw unsupportedParameter('stream', 'Streaming transcriptions are not supported; send stream=false or leave it out.');
  const format = form.response_format ?? 'json';
  if (format === 'diarized_json') throw unsupportedParameter('response_format', 'response_format "diarized_json" is not supported; use json, text, srt, vtt or verbose_json.');

  const upload = await readUpload(file);
  const asr = asrModel(await services.catalog.resolve(form.model, 'openai-transcriptions'));
  checkOptions(asr, upload, form);
  const t = await runAsr(services, asr, upload, { task: 'transcribe', language: form.language, prompt: form.prompt }, signal);
  const language = languageName(t.language ?? form.language ?? (asr.englishOnly ? 'en' : undefined)) ?? 'unknown';
  return render(t, format, {
    task: 'transcribe',
    duration: t.duration ?? 0,
    language,
    granularities: form.timestamp_granularities?.length ? form.timestamp_granularities : ['segment'],
    temperature: form.temperature ?? 0,
  });
}

export async function createTranslation(services: Services, form: TranslationForm, file: File, signal?: AbortSignal): Promise<AudioTextResult> {
  const upload = await readUpload(file);
  const asr = asrModel(await services.catalog.resolve(form.model, 'openai-translations'));
  checkOptions(asr, upload, form);
  let t: Transcript;
  if (asr.family === 'whisper-turbo') {
    t = await runAsr(services, asr, upload, { task: 'translate', language: form.language, prompt: form.prompt }, signal);
  } else {
    const heard = await runAsr(services, asr, upload, { task: 'transcribe', language: form.language }, signal);
    t = await toEnglish(services, heard, heard.language ?? form.language ?? (asr.englishOnly ? 'en' : undefined), signal);
  }
  return render(t, form.response_format ?? 'json', {
    task: 'translate',
    duration: t.duration ?? 0,
    language: 'english',
    granularities: ['segment'],
    temperature: form.temperature ?? 0,
  });
}
