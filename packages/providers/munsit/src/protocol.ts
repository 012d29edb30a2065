/**
 * Munsit's realtime text-to-speech wire protocol (WebSocket and HTTP streaming), as zod schemas.
 *
 * Sources: docs.munsit.com/api-reference/websocket (and its predecessor docs.faseeh.ai); see
 * docs/providers/munsit.md for what is verified and what is assumed.
 */
import { z } from 'zod';
import { SpeechError, type SpeechErrorCode } from '@utter/core';
import { decodeJsonFrame } from '@utter/core/provider';

/** Output formats of the WebSocket `initConnection` message. */
export const MUNSIT_OUTPUT_FORMATS = ['pcm_8000', 'pcm_16000', 'pcm_22050', 'pcm_24000'] as const;

/** One of Munsit's PCM output formats. */
export type MunsitOutputFormat = (typeof MUNSIT_OUTPUT_FORMATS)[number];

/** Sample rate of an output format. */
export function sampleRateOf(format: MunsitOutputFormat): number {
  return Number(format.slice('pcm_'.length));
}

/** `voice_settings` as sent on the wire. */
export const wireVoiceSettingsSchema = z.object({
  stability: z.number().optional(),
  similarity_boost: z.number().optional(),
  speed: z.number().optional(),
});

/** Client -> server: the first message after the socket opens. */
export const initConnectionSchema = z.object({
  type: z.literal('initConnection'),
  model_id: z.string().optional(),
  voice_id: z.string().min(1),
  voice_settings: wireVoiceSettingsSchema.optional(),
  output_format: z.enum(MUNSIT_OUTPUT_FORMATS).optional(),
  x_api_key: z.string().optional(),
});
/** The `initConnection` message. */
export type InitConnectionMessage = z.infer<typeof initConnectionSchema>;

/** Client -> server: text (with `flush: true` to force generation of what is buffered). */
export const textMessageSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
  flush: z.boolean().optional(),
  try_trigger_generation: z.boolean().optional(),
});
/** The `text` message. */
export type TextMessage = z.infer<typeof textMessageSchema>;

/** Client -> server: graceful close. */
export const closeConnectionSchema = z.object({ type: z.literal('closeConnection') });

/** Client -> server: clear the text buffer (reported by one third-party client only; unused by the adapter). */
export const clearSchema = z.object({ type: z.literal('clear') });

/** Any client message (used by the test server to validate what clients send). */
export const munsitClientMessageSchema = z.discriminatedUnion('type', [
  initConnectionSchema,
  textMessageSchema,
  closeConnectionSchema,
  clearSchema,
]);
/** Any client message. */
export type MunsitClientMessage = z.infer<typeof munsitClientMessageSchema>;

/** Server -> client: the handshake answer to `initConnection`. */
export const connectionInitializedSchema = z.object({ type: z.literal('connectionInitialized') }).passthrough();

/**
 * Server -> client: an audio chunk. It has **no `type` field**. The last chunk of a generation has
 * `isFinal: true` and (usually) empty `audio`.
 */
export const audioChunkSchema = z
  .object({
    type: z.undefined().optional(),
    audio: z.string(),
    sampleRate: z.number().int().positive().optional(),
    isFinal: z.boolean().optional(),
  })
  .passthrough();
/** An audio chunk. */
export type AudioChunkMessage = z.infer<typeof audioChunkSchema>;

/** Server -> client: an error. Munsit sends `errorCode`/`errorMessage`; Faseeh docs show `message`. */
export const errorMessageSchema = z
  .object({
    type: z.literal('error'),
    errorCode: z.number().int().optional(),
    errorMessage: z.string().optional(),
    message: z.string().optional(),
  })
  .passthrough();
/** An error message. */
export type MunsitErrorMessage = z.infer<typeof errorMessageSchema>;

/** Every message the server sends on the socket. */
export const munsitServerMessageSchema = z.union([connectionInitializedSchema, errorMessageSchema, audioChunkSchema]);
/** A parsed server message. */
export type MunsitServerMessage = z.infer<typeof munsitServerMessageSchema>;

/**
 * Parses one text frame from the server. Throws a `protocol` {@link SpeechError} for malformed JSON
 * and unknown or malformed messages (never anything else).
 */
export function parseServerMessage(data: string): MunsitServerMessage {
  const message = decodeJsonFrame({ name: 'munsit', label: 'Munsit' }, munsitServerMessageSchema, data);
  if (message instanceof SpeechError) throw message;
  return message;
}

/** A SpeechError for a Munsit `error` message. */
export function errorFromMessage(message: MunsitErrorMessage): SpeechError {
  const text = message.errorMessage ?? message.message ?? 'unknown error';
  const code = codeForMunsitError(message.errorCode, text);
  return new SpeechError(code, `Munsit error${message.errorCode === undefined ? '' : ` ${message.errorCode}`}: ${text}`, {
    provider: 'munsit',
    ...(message.errorCode === undefined ? {} : { providerCode: message.errorCode }),
  });
}

/**
 * Maps a Munsit numeric error code (e.g. 40101) and message to a {@link SpeechErrorCode}.
 * Only 40101 (auth) and 40001 (invalid input) are documented; the rest follow the HTTP status in
 * the first three digits (an assumption, see docs/providers/munsit.md).
 */
export function codeForMunsitError(errorCode: number | undefined, message: string): SpeechErrorCode {
  const text = message.toLowerCase();
  const status = errorCode === undefined ? undefined : Math.floor(errorCode / 100);
  if (/too long|exceeds? (the )?(maximum|max)|max(imum)? length/.test(text) || status === 413) return 'text-too-long';
  switch (status) {
    case 401:
    case 403:
      return 'auth';
    case 402:
      return 'quota';
    case 429:
      return 'rate-limit';
    case 400:
    case 404:
    case 422:
      return 'invalid-input';
    default:
      break;
  }
  if (status !== undefined && status >= 500 && status < 600) return 'provider';
  if (/unauthori[sz]ed|api key|invalid key|authentication/.test(text)) return 'auth';
  if (/rate limit|too many/.test(text)) return 'rate-limit';
  return 'provider';
}

/** Maps an HTTP status of the streaming endpoint to a {@link SpeechErrorCode}. */
export function codeForHttpStatus(status: number, message: string): SpeechErrorCode {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 429) return 'rate-limit';
  if (status === 413) return 'text-too-long';
  if (status === 400 || status === 404 || status === 422) {
    return /too long|exceeds? (the )?(maximum|max)|max(imum)? length/i.test(message) ? 'text-too-long' : 'invalid-input';
  }
  return 'provider';
}

/** Error body of the HTTP endpoint (observed: `{errorCode, errorMessage}`; others tolerated). */
export const httpErrorBodySchema = z
  .object({
    errorCode: z.number().int().optional(),
    errorMessage: z.string().optional(),
    message: z.string().optional(),
    detail: z.unknown().optional(),
  })
  .passthrough();

/** Body of `POST /api/v1/text-to-speech/{model_id}`. */
export const httpRequestBodySchema = z.object({
  voice_id: z.string().min(1),
  text: z.string().min(1),
  streaming: z.boolean().optional(),
  stability: z.number().optional(),
  similarity_boost: z.number().optional(),
  speed: z.number().optional(),
  sample_rate: z.number().int().optional(),
});
/** Body of the HTTP streaming request. */
export type HttpRequestBody = z.infer<typeof httpRequestBodySchema>;

/** The media type of the HTTP endpoint's streamed PCM, e.g. `audio/raw;codec=pcm16;rate=24000;channels=1`. */
export function parseRawAudioContentType(contentType: string | null): { rate?: number; codec?: string; channels?: number } | undefined {
  if (contentType === null) return undefined;
  const [type, ...params] = contentType.split(';').map((part) => part.trim());
  if (type?.toLowerCase() !== 'audio/raw') return undefined;
  const out: { rate?: number; codec?: string; channels?: number } = {};
  for (const param of params) {
    const [key, value] = param.split('=').map((s) => s.trim());
    if (key === 'rate' && value) out.rate = Number(value);
    else if (key === 'channels' && value) out.channels = Number(value);
    else if (key === 'codec' && value) out.codec = value.toLowerCase();
  }
  return out;
}
