/**
 * Wire pieces of the ElevenLabs test server: the client message schema, the query parameters, error
 * payloads, per-chunk character alignment, and G.711 encoders for `ulaw_8000` / `alaw_8000` (written
 * here, not imported from `@utter/core`, so that a codec bug cannot hide on both sides).
 */
import { z } from 'zod';
import type { ProviderErrorKind } from '../base/faults.js';

/** Output formats the test server produces (MP3 and Opus are refused: the test audio is PCM). */
export const ELEVENLABS_SERVER_FORMATS = ['pcm_8000', 'pcm_16000', 'pcm_22050', 'pcm_24000', 'pcm_44100', 'pcm_48000', 'ulaw_8000', 'alaw_8000'] as const;
/** Every output format the real service names. */
export const ELEVENLABS_ALL_FORMATS = [
  ...ELEVENLABS_SERVER_FORMATS,
  'mp3_22050_32', 'mp3_44100_32', 'mp3_44100_64', 'mp3_44100_96', 'mp3_44100_128', 'mp3_44100_192',
  'opus_48000_32', 'opus_48000_64', 'opus_48000_96', 'opus_48000_128', 'opus_48000_192',
] as const;
/** ElevenLabs' default chunk length schedule. */
export const DEFAULT_CHUNK_LENGTH_SCHEDULE = [120, 160, 250, 290] as const;
/** The message ElevenLabs sends before closing a socket on which a sixth context opens. */
export const MAX_CONTEXTS_MESSAGE = 'Maximum simultaneous contexts per WebSocket connection exceeded (5). Please close an existing context before opening a new one.';

const VoiceSettings = z
  .object({
    stability: z.number().min(0).max(1).optional(),
    similarity_boost: z.number().min(0).max(1).optional(),
    style: z.number().min(0).max(1).optional(),
    use_speaker_boost: z.boolean().optional(),
    speed: z.number().min(0.7).max(1.2).optional(),
  })
  .strict();

/** Any client message of either socket (fields by name; which combinations are allowed is checked by the server). */
export const ElevenLabsClientMessage = z
  .object({
    text: z.string().optional(),
    context_id: z.string().min(1).optional(),
    flush: z.boolean().optional(),
    close_context: z.boolean().optional(),
    close_socket: z.boolean().optional(),
    try_trigger_generation: z.boolean().optional(),
    voice_settings: VoiceSettings.optional(),
    generation_config: z.object({ chunk_length_schedule: z.array(z.number().min(50).max(500)).min(1) }).strict().optional(),
    pronunciation_dictionary_locators: z.array(z.object({ pronunciation_dictionary_id: z.string(), version_id: z.string() }).strict()).max(3).optional(),
    xi_api_key: z.string().optional(),
    'xi-api-key': z.string().optional(),
    authorization: z.string().optional(),
  })
  .strict();
/** A parsed client message. */
export type ElevenLabsClientMessage = z.infer<typeof ElevenLabsClientMessage>;

/** Whether a message carries settings that are only allowed on a context's (or the stream's) first message. */
export function hasFirstMessageSettings(m: ElevenLabsClientMessage): boolean {
  return m.voice_settings !== undefined || m.generation_config !== undefined || m.pronunciation_dictionary_locators !== undefined;
}

/** Parsed upgrade query, or the name of the first invalid parameter. */
export interface ElevenLabsQuery {
  readonly format: string;
  readonly sampleRate: number;
  readonly encoding: 'pcm' | 'ulaw' | 'alaw' | 'other';
  readonly autoMode: boolean;
  readonly syncAlignment: boolean;
  readonly inactivityTimeoutS: number;
}

/** Parses the query parameters the service documents; returns an error text for the first bad one. */
export function parseQuery(q: URLSearchParams): ElevenLabsQuery | string {
  const format = q.get('output_format') ?? 'mp3_44100_128';
  if (!(ELEVENLABS_ALL_FORMATS as readonly string[]).includes(format)) return `output_format ${format} is not valid`;
  const bool = (name: string): boolean | string => {
    const v = q.get(name);
    if (v === null || v === 'false') return false;
    return v === 'true' ? true : `${name} must be true or false`;
  };
  for (const name of ['enable_logging', 'enable_ssml_parsing']) if (typeof bool(name) === 'string') return `${name} must be true or false`;
  const autoMode = bool('auto_mode');
  const syncAlignment = bool('sync_alignment');
  if (typeof autoMode === 'string') return autoMode;
  if (typeof syncAlignment === 'string') return syncAlignment;
  const timeout = Number(q.get('inactivity_timeout') ?? 20);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 180) return 'inactivity_timeout must be an integer between 1 and 180';
  const norm = q.get('apply_text_normalization');
  if (norm !== null && !['auto', 'on', 'off'].includes(norm)) return 'apply_text_normalization must be auto, on or off';
  const seed = q.get('seed');
  if (seed !== null && !(Number.isInteger(Number(seed)) && Number(seed) >= 0 && Number(seed) <= 4_294_967_295)) return 'seed is out of range';
  const language = q.get('language_code');
  if (language !== null && !/^[a-z]{2,3}$/.test(language)) return 'language_code is not valid';
  const [kind, rate] = format.split('_');
  return {
    format,
    sampleRate: Number(rate),
    encoding: kind === 'ulaw' ? 'ulaw' : kind === 'alaw' ? 'alaw' : kind === 'pcm' ? 'pcm' : 'other',
    autoMode,
    syncAlignment,
    inactivityTimeoutS: timeout,
  };
}

/** An error payload as ElevenLabs sends it (`{message, error, code}`), with the close that follows. */
export interface ErrorPayload {
  readonly body: { readonly message: string; readonly error: string; readonly code: number };
  readonly close: number;
}

/** The payload of an injected provider error. */
export function errorPayload(kind: ProviderErrorKind | 'bad-message' | 'first-message-only' | 'max-contexts' | 'bad-key', detail = ''): ErrorPayload {
  const of = (message: string, error: string, close = 1008): ErrorPayload => ({ body: { message, error, code: close }, close });
  switch (kind) {
    case 'auth':
    case 'bad-key':
      return of('Invalid API key. Please check the xi-api-key.', 'invalid_api_key');
    case 'rate-limit':
      return of('Too many concurrent requests for your subscription. Please retry later.', 'too_many_concurrent_requests');
    case 'text-too-long':
      return of('Text is too long: a message can hold at most 5000 characters.', 'text_too_long');
    case 'server':
      return of('An internal server error occurred.', 'internal_error', 1011);
    case 'max-contexts':
      return of(MAX_CONTEXTS_MESSAGE, 'max_active_conversations');
    case 'first-message-only':
      return of(`${detail} can only be set in the first message of a context.`, 'invalid_input_message');
    case 'bad-message':
      return of(`Could not parse input message, make sure it is a json and follows the schema outlined in protocol. ${detail}`.trim(), 'invalid_input_message');
  }
}

/** The character alignment of one chunk: characters that start inside `[fromSample, toSample)`, times relative to `fromSample`. */
export function chunkAlignment(text: string, fromSample: number, toSample: number, sampleRate: number, msPerChar: number): { chars: string[]; charStartTimesMs: number[]; charDurationsMs: number[] } {
  const perChar = (msPerChar * sampleRate) / 1000;
  const chars: string[] = [];
  const charStartTimesMs: number[] = [];
  const charDurationsMs: number[] = [];
  let i = 0;
  for (const ch of text) {
    const start = Math.round(i * perChar);
    if (start >= fromSample && start < toSample) {
      chars.push(ch);
      charStartTimesMs.push(Math.round(((start - fromSample) * 1000) / sampleRate));
      charDurationsMs.push(Math.round(msPerChar));
    }
    i++;
  }
  return { chars, charStartTimesMs, charDurationsMs };
}

/** G.711 mu-law of one PCM16 sample. */
function mulaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s = Math.min(s, 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** G.711 A-law of one PCM16 sample. */
function alaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s >= 0 ? 0x80 : 0;
  if (s < 0) s = -s - 1;
  s = Math.min(s, 32635);
  let comp: number;
  if (s >= 256) {
    let exponent = 7;
    for (let mask = 0x4000; (s & mask) === 0 && exponent > 1; mask >>= 1) exponent--;
    comp = (exponent << 4) | ((s >> (exponent + 3)) & 0x0f);
  } else {
    comp = s >> 4;
  }
  return (comp ^ (sign ^ 0x55)) & 0xff;
}

/** Encodes PCM16 samples as G.711 (`'ulaw'` or `'alaw'`), one byte per sample. */
export function encodeG711(pcm: Int16Array, law: 'ulaw' | 'alaw'): Buffer {
  const out = Buffer.alloc(pcm.length);
  const f = law === 'ulaw' ? mulaw : alaw;
  for (let i = 0; i < pcm.length; i++) out[i] = f(pcm[i] ?? 0);
  return out;
}
