/**
 * Uplift AI's realtime text-to-speech wire protocol (plain WebSocket multi-stream endpoint), as zod
 * schemas. Sources: docs.upliftai.org/websocket-tts and the official `@upliftai/sdk-js`; see
 * docs/providers/upliftai.md for what is verified and what is assumed.
 */
import { z } from 'zod';
import { SpeechError, type SpeechErrorCode } from '@utter/core';
import { decodeJsonFrame } from '@utter/core/provider';

/** Every output format Uplift AI documents. */
export const UPLIFTAI_OUTPUT_FORMATS = [
  'PCM_22050_16',
  'WAV_22050_16',
  'WAV_22050_32',
  'MP3_22050_32',
  'MP3_22050_64',
  'MP3_22050_128',
  'OGG_22050_16',
  'ULAW_8000_8',
] as const;
/** An Uplift AI output format. */
export type UpliftOutputFormat = (typeof UPLIFTAI_OUTPUT_FORMATS)[number];

/** The formats this adapter can turn into PCM16 (MP3 and OGG would need a decoder utter does not ship). */
export const SUPPORTED_OUTPUT_FORMATS = ['PCM_22050_16', 'WAV_22050_16', 'WAV_22050_32', 'ULAW_8000_8'] as const;
/** A format this adapter supports. */
export type SupportedUpliftOutputFormat = (typeof SUPPORTED_OUTPUT_FORMATS)[number];

/** Sample rate of a format. */
export function sampleRateOf(format: UpliftOutputFormat): number {
  return format === 'ULAW_8000_8' ? 8000 : 22050;
}

/** Maximum characters of one `synthesize` request. */
export const MAX_CHARS_PER_REQUEST = 10_000;

/** Client -> server: synthesize one self-contained text. */
export const synthesizeSchema = z.object({
  type: z.literal('synthesize'),
  requestId: z.string().min(1),
  text: z.string().min(1).max(MAX_CHARS_PER_REQUEST),
  voiceId: z.string().min(1),
  outputFormat: z.enum(UPLIFTAI_OUTPUT_FORMATS).optional(),
  phraseReplacementConfigId: z.string().min(1).optional(),
});
/** The `synthesize` message. */
export type SynthesizeMessage = z.infer<typeof synthesizeSchema>;

/** Client -> server: cancel one request. */
export const cancelSchema = z.object({ type: z.literal('cancel'), requestId: z.string().min(1) });
/** The `cancel` message. */
export type CancelMessage = z.infer<typeof cancelSchema>;

/** Any client message (used by the test server to validate what clients send). */
export const upliftClientMessageSchema = z.discriminatedUnion('type', [synthesizeSchema, cancelSchema]);
/** Any client message. */
export type UpliftClientMessage = z.infer<typeof upliftClientMessageSchema>;

/** Server -> client: the connection is ready; wait for it before sending. */
export const readySchema = z.object({ type: z.literal('ready'), sessionId: z.string().optional() }).passthrough();
/** Server -> client: a request's audio starts. */
export const audioStartSchema = z.object({ type: z.literal('audio_start'), requestId: z.string(), timestamp: z.number().optional() }).passthrough();
/** Server -> client: a chunk of a request's audio (base64). */
export const audioSchema = z
  .object({ type: z.literal('audio'), requestId: z.string(), audio: z.string(), sequence: z.number().int().optional() })
  .passthrough();
/** Server -> client: a request's audio is complete. */
export const audioEndSchema = z.object({ type: z.literal('audio_end'), requestId: z.string(), timestamp: z.number().optional() }).passthrough();
/** Server -> client: an error, for one request (`requestId`) or the connection. */
export const errorSchema = z
  .object({ type: z.literal('error'), requestId: z.string().optional(), code: z.string().optional(), message: z.string().optional() })
  .passthrough();

/** Any server message. */
export const upliftServerMessageSchema = z.discriminatedUnion('type', [readySchema, audioStartSchema, audioSchema, audioEndSchema, errorSchema]);
/** Any server message. */
export type UpliftServerMessage = z.infer<typeof upliftServerMessageSchema>;

/** Parses one text frame. Throws a `protocol` {@link SpeechError} for anything malformed or unknown. */
export function parseServerMessage(data: string): UpliftServerMessage {
  const message = decodeJsonFrame({ name: 'upliftai', label: 'Uplift AI' }, upliftServerMessageSchema, data);
  if (message instanceof SpeechError) throw message;
  return message;
}

/** The SpeechError for an Uplift AI `error` message. */
export function upliftError(code: string | undefined, message: string | undefined): SpeechError {
  return new SpeechError(codeForUpliftError(code, message), `Uplift AI error${code ? ` ${code}` : ''}: ${message ?? 'unknown error'}`, {
    provider: 'upliftai',
    ...(code === undefined ? {} : { providerCode: code }),
  });
}

/**
 * Maps an Uplift AI error code to a {@link SpeechErrorCode}. The documented codes are
 * `auth_failed`, `synthesis_failed`, `duplicate_request`, `rate_limit_exceeded`, `text_too_long`
 * (not verified against the live service).
 */
export function codeForUpliftError(code: string | undefined, message = ''): SpeechErrorCode {
  switch (code) {
    case 'auth_failed':
    case 'unauthorized':
    case 'invalid_api_key':
      return 'auth';
    case 'rate_limit_exceeded':
      return 'rate-limit';
    case 'text_too_long':
      return 'text-too-long';
    case 'duplicate_request':
      return 'protocol';
    case 'insufficient_credits':
    case 'quota_exceeded':
      return 'quota';
    case 'invalid_voice':
    case 'voice_not_found':
    case 'invalid_request':
    case 'invalid_output_format':
      return 'invalid-input';
    case 'synthesis_failed':
      return 'provider';
    default:
      if (/unauthori[sz]ed|api key|auth/i.test(message)) return 'auth';
      return 'provider';
  }
}

/**
 * Splits `text` into pieces of at most `max` UTF-16 units, at the last whitespace (or, failing that,
 * the last code-point boundary) before the limit. Lossless: the pieces join back to `text`.
 */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = -1;
    for (let i = max; i > max / 2; i--) {
      if (/\s/.test(rest[i - 1] ?? '')) {
        cut = i;
        break;
      }
    }
    if (cut < 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--; // do not split a surrogate pair
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) out.push(rest);
  return out;
}
